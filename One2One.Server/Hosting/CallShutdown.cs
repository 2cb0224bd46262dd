using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.Server.Calls;

namespace One2One.Server.Hosting;

/// <summary>
/// On shutdown, ends every live call (telling both browsers) and releases its media, frees the names held for a resume,
/// then closes the session with the media server, all before the media server stops. A node that hands its calls over to
/// the cluster (<see cref="NodeStop"/>) only closes the session: its pipelines stay on the media server for the node
/// that takes each call over.
/// </summary>
/// <remarks>
/// It takes at most two thirds of the host's shutdown timeout (30 s by default): past that, what is left is given up with
/// a warning (the media server collects it with the session), and the rest is left to the services after it, the silo's
/// graceful leave of the cluster above all. An exception out of a hosted service's stop would end the process as a
/// crash.
/// </remarks>
internal sealed class CallShutdown(
    CallService calls, KurentoClient kurento, NodeStop stop, IOptions<HostOptions> host, TimeProvider time, ILogger<CallShutdown> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken hostToken)
    {
        using var ours = new CancellationTokenSource(host.Value.ShutdownTimeout * 2 / 3, time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(hostToken, ours.Token);
        var cancellationToken = budget.Token;
        try
        {
            try
            {
                if (!stop.HandsCallsOver)
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
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            HostingLog.ShutdownTimedOut(logger);
        }
    }
}
