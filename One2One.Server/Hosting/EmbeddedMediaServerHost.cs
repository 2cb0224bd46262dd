using System.Diagnostics.Metrics;
using One2One.Kurento;
using One2One.MediaServer.Hosting;

namespace One2One.Server.Hosting;

/// <summary>
/// Runs One2One's own media server in-process when no external one is configured, and tells the Kurento client
/// where it listens (a loopback-only control socket on an ephemeral port). The calls drive it through the same
/// Kurento protocol client they would use with a real Kurento Media Server.
/// </summary>
internal sealed class EmbeddedMediaServerHost(IConfiguration configuration, ILoggerFactory loggers, IMeterFactory meters)
    : IHostedService, IMediaServerLocator, IAsyncDisposable
{
    // Our meter factory: the media server's meter is exported with the application's metrics.
    private readonly EmbeddedMediaServer _server = new(configuration, loggers, meters);
    private readonly TaskCompletionSource<Uri> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The media server itself (tests read its diagnostics).</summary>
    internal EmbeddedMediaServer Server => _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _server.StartAsync(cancellationToken).ConfigureAwait(false);
        // The control URI carries a secret path: log where it listens, not the path.
        HostingLog.EmbeddedMediaServer(loggers.CreateLogger<EmbeddedMediaServerHost>(), _server.ControlUri.Port);
        _started.TrySetResult(_server.ControlUri);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public async ValueTask<Uri> GetUriAsync(CancellationToken cancellationToken) =>
        await _started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
