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

/// <summary>Everyone on one server.</summary>
public sealed class OneNode(One2OneServerFactory server) : IScenarioNodes
{
    public One2OneServerFactory NodeOf(string person) => server;

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
