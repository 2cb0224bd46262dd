using One2One.Tests.Calls;

namespace One2One.Tests.Cluster;

/// <summary>
/// Calls with the embedded media server between alice on node A and bob on node B (carol on B too): the call lives on
/// alice's node and its media on that node's media server; answers, candidates, ends and releases cross between nodes.
/// </summary>
public sealed class CallWithEmbeddedMediaServerAcrossNodesTests : CallWithEmbeddedMediaServerScenarios<TwoNodes>;
