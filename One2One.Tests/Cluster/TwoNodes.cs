using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// A scenario's people on two nodes of one cluster (<see cref="TwoNodeCluster"/>: real Kestrel servers, a real
/// redis-server): alice and mallory on node A, bob and carol on node B. A call from alice to bob lives on A with bob on
/// B; carol calling bob meets him on his own node; mallory meddles from A.
/// </summary>
public sealed class TwoNodes : IScenarioNodes, INodeLayout
{
    private readonly TwoNodeCluster _cluster;

    private TwoNodes(TwoNodeCluster cluster) => _cluster = cluster;

    public static async Task<IScenarioNodes> StartAsync(Func<One2OneServerFactory> createNode) => new TwoNodes(await TwoNodeCluster.StartAsync(createNode));

    public One2OneServerFactory NodeOf(string person) => Of(_cluster, person);

    internal static One2OneServerFactory Of(TwoNodeCluster cluster, string person) => person is "alice" or "mallory" ? cluster.A : cluster.B;

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
