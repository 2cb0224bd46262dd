using One2One.Tests.Calls;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// Registration with a name's holder on node A and whoever comes after on node B of one cluster: taken names are taken
/// cluster-wide whatever their case, and freed cluster-wide when their connection goes.
/// </summary>
public sealed class RegistrationAcrossNodesTests(TwoNodeFixture nodes) : RegistrationScenarios, IClassFixture<TwoNodeFixture>
{
    protected override One2OneServerFactory NodeOf(string person) => nodes.NodeOf(person);
}
