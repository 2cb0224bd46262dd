namespace One2One.Tests.Support;

/// <summary>One running server shared by the tests of a class (each test uses its own user names).</summary>
public sealed class One2OneServerFixture : IAsyncLifetime
{
    private readonly TrackedClients _clients = new();

    /// <summary>In memory: the tests that share this fixture drive the hub only (see <see cref="One2OneServerFactory.InMemory"/>).</summary>
    public One2OneServerFactory Factory { get; } = One2OneServerFactory.InMemory();

    public Task InitializeAsync()
    {
        Factory.StartServer();
        return Task.CompletedTask;
    }

    /// <summary>Clients disposed with the fixture.</summary>
    public void Track(params SignalingClient[] clients) => _clients.Track(clients);

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await Factory.DisposeAsync();
    }
}
