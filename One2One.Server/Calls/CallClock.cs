namespace One2One.Server.Calls;

/// <summary>
/// The clock behind ringing and media-setup timeouts. A type of its own so tests can drive call timeouts
/// with a fake clock without also moving the clocks of SignalR, Kestrel or the Kurento client.
/// </summary>
public sealed class CallClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;
}
