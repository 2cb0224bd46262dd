using One2One.Tests.Calls;

namespace One2One.Tests.Cluster;

/// <summary>
/// Mute states between a caller on node A and a callee on node B, with simulated browsers relaying real media through
/// the embedded media server of the caller's node: each side's state reaches the other across nodes, limited per connection.
/// </summary>
public sealed class MediaStateAcrossNodesTests : MediaStateScenarios<TwoNodes>;
