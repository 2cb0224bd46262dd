using Orleans.Runtime;

namespace One2One.Server.Cluster;

/// <summary>Keeps <see cref="INodeDirectoryGrain"/>'s list in grain storage, so it outlives the node its activation is on.</summary>
internal sealed class NodeDirectoryGrain(
    [PersistentState("nodes", ClusterHosting.StorageName)] IPersistentState<NodeDirectoryState> state,
    IClusterMembershipService membership) : Grain, INodeDirectoryGrain
{
    public async Task<NodeEntry[]> Join(SiloAddress node, INodePresence presence)
    {
        var nodes = state.State.Nodes;
        nodes.RemoveAll(e => e.Node.Equals(node) || membership.IsDead(e.Node));
        var others = nodes.ToArray();
        nodes.Add(new NodeEntry(node, presence));
        await state.WriteStateAsync();
        return others;
    }
}

/// <summary>What <see cref="NodeDirectoryGrain"/> persists.</summary>
[GenerateSerializer]
public sealed class NodeDirectoryState
{
    [Id(0)]
    public List<NodeEntry> Nodes { get; set; } = [];
}
