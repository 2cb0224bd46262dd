using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using One2One.Server.Observability;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Observability.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Observability;

/// <summary>
/// Log scopes are captured only when the console prints them (or <c>Logging:CaptureScopes</c> says so): each one
/// Kestrel, ASP.NET Core and SignalR open for a connection stays with it while it is open.
/// </summary>
public sealed class LogScopeCaptureTests
{
    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData(null, "true", null, true)]
    [InlineData(null, "false", null, false)]
    [InlineData(null, null, "true", true)]
    [InlineData("false", "true", null, false)]
    [InlineData("true", null, null, true)]
    [InlineData("true", "false", "false", true)]
    public void Scopes_are_captured_when_the_console_prints_them_unless_Logging_CaptureScopes_says_otherwise(
        string? captureScopes, string? includeScopes, string? legacyIncludeScopes, bool captured)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Logging:CaptureScopes"] = captureScopes,
            ["Logging:Console:FormatterOptions:IncludeScopes"] = includeScopes,
            ["Logging:Console:IncludeScopes"] = legacyIncludeScopes,
        };
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Where(s => s.Value is not null))
            .Build();

        LogScopeCapture.IsCaptured(configuration).Should().Be(captured);
    }

    [Fact]
    public async Task By_default_a_calls_lines_and_the_connections_carry_no_scope()
    {
        var logs = new RecordingLoggerProvider(LogLevel.Debug);
        await using (var server = new One2OneServerFactory { Logs = logs, LogsAtConfiguredLevels = true }
            .WithSetting("Logging:LogLevel:One2One", "Debug")
            .WithSetting("Logging:LogLevel:Microsoft.AspNetCore", "Debug"))
        {
            await using var call = await MediaCall.RegisterAsync(server.HubUri, "alice", "bob");
            await call.ConnectAsync();
            await call.HangUpAsync();
        }

        logs.Entries.Should().Contain(e => e.EventName == "InCall", "the call's routine lines were recorded");
        logs.Entries.Should().Contain(e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal), "so were the framework's");
        logs.Entries.Where(e => e.OpenedScopeKeys.Any()).Select(e => $"{e.Category} {e.EventName}: {string.Join(", ", e.OpenedScopeKeys)}")
            .Should().BeEmpty("no scope was captured: the console does not print them");
    }
}
