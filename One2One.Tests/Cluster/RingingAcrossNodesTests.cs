using One2One.Tests.Calls;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// Every ringing scenario of <see cref="RingingScenarios"/> with the caller on node A and the callee on node B of one
/// cluster (see <see cref="TwoNodeFixture"/> for who is where): the call lives on the caller's node, the callee's node
/// decides whether the callee is busy, and every answer, refusal and end crosses between them.
/// </summary>
public sealed class RingingAcrossNodesTests(TwoNodeFixture nodes) : RingingScenarios, IClassFixture<TwoNodeFixture>
{
    protected override One2OneServerFactory NodeOf(string person) => nodes.NodeOf(person);

    protected override void Track(params SignalingClient[] clients) => nodes.Track(clients);
}
