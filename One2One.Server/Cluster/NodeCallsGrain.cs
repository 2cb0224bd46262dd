using Orleans.Runtime;

namespace One2One.Server.Cluster;

/// <summary>Keeps a node's <see cref="INodeCallsGrain"/> list in grain storage; one update at a time (Orleans' turns).</summary>
internal sealed class NodeCallsGrain(
    [PersistentState("calls", ClusterHosting.StorageName)] IPersistentState<NodeCallsState> state) : Grain, INodeCallsGrain
{
    public async Task Update(string[] added, string[] removed)
    {
        var calls = state.State.Calls;
        calls.ExceptWith(removed);
        calls.UnionWith(added);
        await state.WriteStateAsync();
    }

    public async Task<string[]> Take()
    {
        var calls = state.State.Calls.ToArray();
        if (calls.Length > 0 || state.RecordExists)
        {
            state.State.Calls.Clear();
            await state.ClearStateAsync();
        }

        DeactivateOnIdle();
        return calls;
    }
}

/// <summary>What <see cref="NodeCallsGrain"/> persists.</summary>
[GenerateSerializer]
public sealed class NodeCallsState
{
    [Id(0)]
    public HashSet<string> Calls { get; set; } = new(StringComparer.Ordinal);
}
