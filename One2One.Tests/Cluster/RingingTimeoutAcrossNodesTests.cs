using One2One.Tests.Calls;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>The ringing timeout with alice (the caller, whose node the call lives on) on node A and bob and carol on node B.</summary>
public sealed class RingingTimeoutAcrossNodesTests : RingingTimeoutScenarios
{
    protected override async Task<IScenarioNodes> StartNodesAsync(Func<One2OneServerFactory> createNode) => await TwoNodes.StartAsync(createNode);
}
