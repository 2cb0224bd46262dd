using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// A scenario's people on two nodes of one cluster: alice and mallory on node A, bob and carol on node B. A call from
/// alice to bob lives on A with bob on B; carol calling bob meets him on his own node; mallory meddles from A.
/// </summary>
internal sealed class TwoNodes(TwoNodeCluster cluster) : IScenarioNodes
{
    public TwoNodeCluster Cluster => cluster;

    public static async Task<TwoNodes> StartAsync(Func<One2OneServerFactory>? createNode = null) =>
        new(await TwoNodeCluster.StartAsync(createNode));

    public One2OneServerFactory NodeOf(string person) => Of(cluster, person);

    public static One2OneServerFactory Of(TwoNodeCluster cluster, string person) => person is "alice" or "mallory" ? cluster.A : cluster.B;

    public ValueTask DisposeAsync() => cluster.DisposeAsync();
}
