using One2One.Tests.Calls;

namespace One2One.Tests.Cluster;

/// <summary>
/// Every media scenario of <see cref="CallMediaScenarios{TLayout}"/> with alice (the caller: the call and its media live on
/// her node) on node A and bob on node B, both nodes driving the scripted media server: what the home asks the media
/// server, and how each media outcome reaches the callee on the other node.
/// </summary>
public sealed class CallMediaAcrossNodesTests : CallMediaScenarios<TwoNodes>;
