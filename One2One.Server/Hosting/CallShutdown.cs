using One2One.Kurento;
using One2One.Server.Calls;

namespace One2One.Server.Hosting;

/// <summary>
/// On shutdown, ends every live call (telling both browsers) and releases its media, frees the names held for a resume,
/// then closes the session with the media server, all before the media server stops. A node that hands its calls over to
/// the cluster (<see cref="NodeStop"/>) only closes the session: its pipelines stay on the media server for the node
/// that takes each call over.
/// </summary>
internal sealed class CallShutdown(CallService calls, KurentoClient kurento, NodeStop stop) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        calls.StopRetries();
        try
        {
            if (stop.HandsCallsOver)
            {
                calls.HandOver();
            }
            else
            {
                await calls.EndAllAsync(CallEnding.ServerShutdown).WaitAsync(cancellationToken);

                // Nobody can come back to a stopping server: names held for a resume are freed across the cluster now.
                await calls.ExpireDetachedAsync().WaitAsync(cancellationToken);
            }
        }
        finally
        {
            // Closed now rather than when the container disposes it: by then the embedded media server has stopped and
            // dropped the session, which the client would take for a lost connection and try to reconnect to.
            await kurento.DisposeAsync().AsTask().WaitAsync(cancellationToken);
        }
    }
}
