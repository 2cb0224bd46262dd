using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Protocol;

namespace One2One.MediaServer.Hosting;

/// <summary>
/// When the host stops, closes every session and releases every object still live, so endpoints dispose their
/// media (UDP sockets, receive and DTLS threads) while the server is still whole. Control sockets are closed by
/// <see cref="IHostApplicationLifetime.ApplicationStopping"/> already; whatever a straggling request creates after
/// this is closed by the media factory's own disposal. Bounded by the host's shutdown timeout (its token): a release
/// that never ends is left behind, so the host still stops.
/// </summary>
internal sealed class MediaServerShutdown(KurentoSessionRegistry sessions, MediaSet mediaSet, ILogger<MediaServerShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await sessions.CloseAllAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            await mediaSet.ReleaseAllAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Not thrown on: the host would stop with an error and leave its container (sockets, threads) undisposed.
            ControlProtocolLog.ShutdownReleaseAbandoned(logger);
        }
    }
}
