namespace One2One.Server.Limits;

/// <summary>
/// The clock the rate limits read. A type of its own so a test can move it (and see a budget come back) without
/// moving the clocks of call timeouts, SignalR or Kestrel.
/// </summary>
public sealed class LimitsClock(TimeProvider time)
{
    public TimeProvider Time { get; } = time;
}
