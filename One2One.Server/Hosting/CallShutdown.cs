using One2One.Server.Calls;

namespace One2One.Server.Hosting;

/// <summary>On shutdown, ends every live call (telling both browsers) and releases its media before the media server stops.</summary>
internal sealed class CallShutdown(CallService calls) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) =>
        calls.EndAllAsync(CallEnding.ServerShutdown).WaitAsync(cancellationToken);
}
