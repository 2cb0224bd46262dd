using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// Two nodes of one cluster (<see cref="TwoNodeCluster"/>: real Kestrel servers, a real redis-server) shared by the tests
/// of a class, each test with its own names; who connects where is as in <see cref="TwoNodes"/>.
/// </summary>
public sealed class TwoNodeFixture : IAsyncLifetime
{
    private readonly TrackedClients _clients = new();

    internal TwoNodeCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TwoNodeCluster.StartAsync();

    /// <summary>The node <paramref name="person"/> connects to.</summary>
    public One2OneServerFactory NodeOf(string person) => TwoNodes.Of(Cluster, person);

    /// <summary>Clients disposed with the fixture.</summary>
    public void Track(params SignalingClient[] clients) => _clients.Track(clients);

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
