namespace One2One.Tests.Support;

/// <summary>
/// The fuzz and property-based runs keep a core busy for their whole length: they run on their own, after the parallel
/// classes, so that they do not starve the timing-sensitive browser and media tests on a 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuHeavyCollection
{
    public const string Name = "CPU-heavy runs";
}
