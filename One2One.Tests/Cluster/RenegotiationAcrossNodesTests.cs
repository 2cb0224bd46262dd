using One2One.Tests.Calls;

namespace One2One.Tests.Cluster;

/// <summary>
/// The caller's page offering again mid-call, with the caller (whose node runs the call and its media) on node A and the
/// callee on node B: media still flows both ways through the same pipeline, and the callee hears nothing of it.
/// </summary>
public sealed class RenegotiationAcrossNodesTests : RenegotiationScenarios<TwoNodes>;
