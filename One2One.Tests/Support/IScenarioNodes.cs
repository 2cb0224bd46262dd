namespace One2One.Tests.Support;

/// <summary>
/// The servers the people of a scenario connect to: one node (<see cref="OneNode"/>), or two nodes of one cluster
/// (<c>Cluster.TwoNodes</c>), so a scenario written once runs both ways.
/// </summary>
public interface IScenarioNodes : IAsyncDisposable
{
    /// <summary>The node <paramref name="person"/> (alice, bob, carol, mallory) connects to.</summary>
    One2OneServerFactory NodeOf(string person);
}

/// <summary>
/// How a scenario's nodes are laid out, chosen by a test class's type argument: <c>CallMediaTests : CallMediaScenarios&lt;OneNode&gt;</c>
/// and <c>CallMediaAcrossNodesTests : CallMediaScenarios&lt;TwoNodes&gt;</c> run the same tests on one node and on two.
/// </summary>
public interface INodeLayout
{
    /// <summary>Starts the nodes, each made by <paramref name="createNode"/>.</summary>
    static abstract Task<IScenarioNodes> StartAsync(Func<One2OneServerFactory> createNode);
}

/// <summary>Everyone on one server.</summary>
public sealed class OneNode(One2OneServerFactory server) : IScenarioNodes, INodeLayout
{
    public static Task<IScenarioNodes> StartAsync(Func<One2OneServerFactory> createNode) => Task.FromResult<IScenarioNodes>(new OneNode(createNode()));

    public One2OneServerFactory NodeOf(string person) => server;

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
