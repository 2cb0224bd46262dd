using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using One2One.Kurento;
using One2One.Tests.Support;

namespace One2One.Tests.Hosting;

/// <summary>Stopping the server with its embedded media server: an orderly end, nothing thrown, nothing to warn about.</summary>
public sealed class ServerShutdownTests
{
    [Fact]
    public async Task SIGTERM_mid_call_stops_a_node_alone_cleanly_without_a_warning()
    {
        await using var node = await One2One.Tests.Support.Cluster.AppNodeProcess.StartAsync("alone", new Dictionary<string, string>());
        await using var alice = await SignalingClient.RegisteredAsync(node.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(node.HubUri, "bob");
        await One2One.Tests.Support.Cluster.ClusterCalls.ConnectAsync(alice, bob);

        await node.StopAsync();

        // Orleans' watchdog warns when the whole process stalled (a loaded machine): about the machine, not about the stop.
        var complaints = System.Text.RegularExpressions.Regex.Matches(node.Log, @"^(warn|fail|crit): (\S+)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Value).Where(line => !line.Contains("Orleans.Runtime.Watchdog", StringComparison.Ordinal));
        complaints.Should().BeEmpty($"a stop is routine: the media server's session is closed, not lost: {node.Log}");
        node.Log.Should().NotContain("Unhandled");
    }

    [Fact]
    public async Task Stopping_closes_the_media_server_session_before_the_media_server_stops()
    {
        var server = new One2OneServerFactory();
        var logs = new RecordingLoggerProvider();
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        (await server.Services.GetRequiredService<IKurentoClient>().GetPipelineIdsAsync()).Should().BeEmpty("the Kurento client has its session with the media server");

        var stopping = async () => await server.DisposeAsync();

        await stopping.Should().NotThrowAsync();
        logs.Warnings.Should().BeEmpty("an orderly stop neither loses the media server connection nor fails to close it");
    }

    /// <summary>Keeps the warnings and errors logged anywhere in the server.</summary>
    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _warnings = new();

        public IReadOnlyList<string> Warnings => [.. _warnings];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _warnings);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> warnings) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                // Orleans' watchdog warns when the whole process stalled (a long GC pause on a loaded machine): about
                // the machine, not about the stop.
                if (IsEnabled(logLevel) && category != "Orleans.Runtime.Watchdog")
                {
                    warnings.Enqueue($"{category} {eventId.Name}: {formatter(state, exception)} {exception?.Message}");
                }
            }
        }
    }
}
