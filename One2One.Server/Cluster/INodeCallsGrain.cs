namespace One2One.Server.Cluster;

/// <summary>
/// The calls in progress living on one node (keyed by <see cref="NodeCalls.KeyOf"/>), kept in grain storage so that when
/// the node dies another one finds the calls to take over, whose records (<see cref="ICallRecordGrain"/>) say the rest.
/// </summary>
public interface INodeCallsGrain : IGrainWithStringKey
{
    /// <summary>Calls that started living on the node and calls that stopped, since the last update.</summary>
    Task Update(string[] added, string[] removed);

    /// <summary>The dead node's calls, to the first survivor that asks (the others get none).</summary>
    Task<string[]> Take();
}
