using One2One.Tests.Calls;

namespace One2One.Tests.Cluster;

/// <summary>A side's lost media path and its window, with alice (whose node runs the call) on node A and bob on node B.</summary>
public sealed class MediaReconnectWindowAcrossNodesTests : MediaReconnectWindowScenarios<TwoNodes>;
