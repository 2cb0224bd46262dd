using One2One.Tests.Calls;

namespace One2One.Tests.Cluster;

/// <summary>The ringing timeout with alice (the caller, whose node the call lives on) on node A and bob and carol on node B.</summary>
public sealed class RingingTimeoutAcrossNodesTests : RingingTimeoutScenarios<TwoNodes>;
