using Microsoft.Extensions.Time.Testing;

namespace One2One.Tests.Support;

/// <summary>
/// A fake clock on which starting a timer of one length takes a while, as when the thread starting it is preempted (a
/// loaded machine): for the order between starting a timer and telling someone about it, which a test cannot otherwise
/// make the scheduler show.
/// </summary>
internal sealed class SlowTimerStarts(TimeSpan length, TimeSpan delay) : FakeTimeProvider(DateTimeOffset.UnixEpoch)
{
    /// <summary>Whether starting a timer of the length is slow; off until a test turns it on.</summary>
    public bool Slow { get; set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (Slow && dueTime == length)
        {
            Thread.Sleep(delay);
        }

        return base.CreateTimer(callback, state, dueTime, period);
    }
}
