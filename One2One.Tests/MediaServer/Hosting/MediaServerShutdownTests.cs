using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using One2One.MediaServer;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Hosting;
using One2One.MediaServer.Protocol;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Hosting;

/// <summary>
/// The media server's stop releases what is left within the host's shutdown timeout; media whose release never ends is
/// left to the container's disposal with a warning, and the stop neither hangs nor throws (which would leave the
/// container, with its sockets and threads, undisposed).
/// </summary>
public sealed class MediaServerShutdownTests
{
    [Fact]
    public async Task A_release_that_never_ends_is_left_behind_when_the_shutdown_timeout_passes_and_the_stop_ends_without_an_error()
    {
        using var logs = new RecordingLoggerProvider(LogLevel.Warning);
        using var loggers = logs.CreateFactory();
        var (factory, _, shutdown) = await ServerWithOneCallAsync(loggers);
        var never = new TaskCompletionSource();
        factory.DisposeHold = never.Task;
        using var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        try
        {
            var stop = async () => await shutdown.StopAsync(shutdownTimeout.Token).WaitAsync(TimeSpan.FromSeconds(30));

            await stop.Should().NotThrowAsync("the stop ends at the host's shutdown timeout, quietly");
            logs.Entries.Should().ContainSingle(e => e.EventName == "ShutdownReleaseAbandoned");
        }
        finally
        {
            never.SetResult();
        }

        await One2One.Tests.Support.Eventually.TrueAsync(() => factory.OpenSocketCount == 0, "the release ends once its media does");
    }

    [Fact]
    public async Task An_orderly_stop_releases_every_pipeline_and_warns_of_nothing()
    {
        using var logs = new RecordingLoggerProvider(LogLevel.Warning);
        using var loggers = logs.CreateFactory();
        var (factory, media, shutdown) = await ServerWithOneCallAsync(loggers);

        await shutdown.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        media.Pipelines().Should().BeEmpty();
        factory.OpenSocketCount.Should().Be(0);
        logs.Entries.Should().BeEmpty();
    }

    /// <summary>A media server's stop over stand-in media, with one pipeline and its endpoint live.</summary>
    private static async Task<(StandInWebRtcSessionFactory Factory, MediaSet Media, MediaServerShutdown Shutdown)> ServerWithOneCallAsync(ILoggerFactory loggers)
    {
        var factory = new StandInWebRtcSessionFactory();
        var media = new MediaSet(factory, TimeProvider.System, NullLogger<MediaSet>.Instance);
        var pipeline = media.CreatePipeline(owner: null);
        await media.CreateWebRtcEndpointAsync(pipeline, recvOnly: false, sendOnly: false, owner: null);
        var sessions = new KurentoSessionRegistry(TimeProvider.System, Options.Create(new MediaServerOptions()), loggers.CreateLogger<KurentoSessionRegistry>());
        return (factory, media, new MediaServerShutdown(sessions, media, loggers.CreateLogger<MediaServerShutdown>()));
    }
}
