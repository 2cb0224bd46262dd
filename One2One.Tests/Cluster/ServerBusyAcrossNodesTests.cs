using One2One.Tests.Calls;

namespace One2One.Tests.Cluster;

/// <summary>A full media server at each step of a call's set-up, with the caller on node A and the callee on node B.</summary>
public sealed class ServerBusyAcrossNodesTests : ServerBusyScenarios<TwoNodes>;
