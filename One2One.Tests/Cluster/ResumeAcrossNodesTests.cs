using One2One.Tests.Calls;

namespace One2One.Tests.Cluster;

/// <summary>The resume scenarios with alice (whose node the call lives on) on node A and bob on node B, who hears of it all from there.</summary>
public sealed class ResumeAcrossNodesTests : ResumeScenarios<TwoNodes>;
