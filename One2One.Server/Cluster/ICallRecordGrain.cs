namespace One2One.Server.Cluster;

/// <summary>
/// The durable part of one call in progress, keyed by the call's id: where its media is and who takes part. The node the
/// call lives on (its home) keeps it current; when the home dies, another node takes the call over from it
/// (<see cref="TakeOver"/>): the media server still relays the call, and the record says which objects are its own.
/// </summary>
public interface ICallRecordGrain : IGrainWithStringKey
{
    /// <summary>Stores the call's current record (its home writes them in order).</summary>
    Task Save(CallRecord record);

    /// <summary>The record, if the call is kept.</summary>
    Task<CallRecord?> Read();

    /// <summary>The call has ended: the record goes.</summary>
    Task Forget();

    /// <summary>
    /// <paramref name="node"/> takes the call over from its home <paramref name="deadHome"/>, declared dead: the first node to
    /// ask gets the record (now naming it the home), the others <see cref="TakeOverResult.TakenElsewhere"/>.
    /// </summary>
    /// <remarks>
    /// Answered within 8 s or failed (Orleans' default is 30 s): an answer that does not come is asked for once more
    /// (<see cref="CallRecords.TakeOverAsync"/>), and both asks must fit in the time the other survivors, told the call is
    /// taken, wait for this node to move their participant (the media set-up timeout).
    /// </remarks>
    [ResponseTimeout("00:00:08")]
    Task<CallTakeOver> TakeOver(SiloAddress node, SiloAddress deadHome);
}

/// <summary>A call's durable part: its home, its media (server, pipeline, an endpoint per participant) and its two participants.</summary>
[GenerateSerializer, Immutable]
public sealed record CallRecord(
    [property: Id(0)] string CallId,
    [property: Id(1)] SiloAddress Home,
    [property: Id(2)] string MediaServer,
    [property: Id(3)] string PipelineId,
    [property: Id(4)] CallParty Caller,
    [property: Id(5)] CallParty Callee);

/// <summary>
/// One participant as its call's record keeps it: the registration (name, id, the key of its page's current resume token),
/// its endpoint on the media server, and the node its page is connected to.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CallParty(
    [property: Id(0)] string Name,
    [property: Id(1)] string Registration,
    [property: Id(2)] string ResumeKey,
    [property: Id(3)] string EndpointId,
    [property: Id(4)] SiloAddress Node);

public enum TakeOverResult
{
    /// <summary>The record is the asking node's to run.</summary>
    Taken,

    /// <summary>Another node took the call over first.</summary>
    TakenElsewhere,

    /// <summary>No record: the call ended, or was never in progress (a call is kept once both pages have their answers).</summary>
    None,
}

[GenerateSerializer, Immutable]
public sealed record CallTakeOver([property: Id(0)] TakeOverResult Result, [property: Id(1)] CallRecord? Record = null);
