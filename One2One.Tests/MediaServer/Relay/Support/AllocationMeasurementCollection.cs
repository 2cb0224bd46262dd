namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>Tests that measure the process's allocations: they run alone, after every parallel test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurementCollection
{
    public const string Name = "Allocation measurement";
}
