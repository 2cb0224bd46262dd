namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>Tests that measure the whole process (its allocations, its threads): they run alone, after every parallel test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMeasurementCollection
{
    public const string Name = "Process measurement";
}
