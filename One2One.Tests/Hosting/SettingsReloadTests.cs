using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.Support;

namespace One2One.Tests.Hosting;

/// <summary>
/// The settings file is watched while the node runs (appsettings.json is, by default) and the Calls section is read
/// again on a change: an operator's mistake in it must not stop the node or its calls.
/// </summary>
public sealed class SettingsReloadTests : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3); // the file watcher waits 250 ms before it reloads

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"one2one-settings-{Guid.NewGuid():N}.json");

    [Fact]
    public async Task An_invalid_calls_section_written_while_the_node_runs_is_refused_and_the_last_valid_one_kept()
    {
        await File.WriteAllTextAsync(_file, """{ "Calls": { "RingingTimeout": "00:00:30" } }""");
        var logs = new RecordingLoggerProvider(LogLevel.Warning);
        await using var app = new One2OneServerFactory { WatchedSettingsFile = _file, Logs = logs };
        await using var alice = await SignalingClient.RegisteredAsync(app.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(app.HubUri, "bob");
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var calls = app.Services.GetRequiredService<IOptionsMonitor<CallOptions>>();

        await File.WriteAllTextAsync(_file, """{ "Calls": { "RingingTimeout": "00:00:00" } }""");
        await Task.Delay(Settle);

        stopping.IsCancellationRequested.Should().BeFalse("a settings mistake does not stop the node");
        calls.CurrentValue.RingingTimeout.Should().Be(TimeSpan.FromSeconds(30), "the last valid settings stay");
        logs.Entries.Should().Contain(e => e.EventName == "SettingsChangeRefused" && e.Message.Contains("Calls:RingingTimeout", StringComparison.Ordinal));
        await alice.CallAsync("bob", SdpFixtures.RecordedChromium156);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice", "calls go on");

        await File.WriteAllTextAsync(_file, """{ "Calls": { "RingingTimeout": "30s" } }""");
        await Task.Delay(Settle);
        stopping.IsCancellationRequested.Should().BeFalse("a value that is not even a TimeSpan does not stop the node either");
        calls.CurrentValue.RingingTimeout.Should().Be(TimeSpan.FromSeconds(30));
        logs.Entries.Should().Contain(e => e.EventName == "SettingsChangeRefused" && e.Message.Contains("30s", StringComparison.Ordinal));

        await File.WriteAllTextAsync(_file, """{ "Calls": { "RingingTimeout": "00:00:45" } }""");
        await Eventually.TrueAsync(() => calls.CurrentValue.RingingTimeout == TimeSpan.FromSeconds(45), "a valid change is taken");
        stopping.IsCancellationRequested.Should().BeFalse();
    }

    public void Dispose() => File.Delete(_file);
}
