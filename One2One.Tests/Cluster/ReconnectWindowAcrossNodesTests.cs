using One2One.Tests.Calls;

namespace One2One.Tests.Cluster;

/// <summary>
/// The reconnect window's scenarios with alice (the caller, whose node the call lives on) on node A and bob on node B:
/// bob held on his node while the name stays his cluster-wide, his page coming back through alice's node, alice's page
/// lost on the call's own node while bob waits on the other.
/// </summary>
public sealed class ReconnectWindowAcrossNodesTests : ReconnectWindowScenarios<TwoNodes>;
