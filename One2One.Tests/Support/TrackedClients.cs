namespace One2One.Tests.Support;

/// <summary>Signaling clients a fixture disposes when the tests sharing it are done; safe from concurrent tests.</summary>
public sealed class TrackedClients : IAsyncDisposable
{
    private readonly List<SignalingClient> _clients = [];

    public void Track(params SignalingClient[] clients)
    {
        lock (_clients)
        {
            _clients.AddRange(clients);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }
}
