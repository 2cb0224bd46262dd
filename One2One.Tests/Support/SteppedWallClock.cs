using Microsoft.Extensions.Time.Testing;

namespace One2One.Tests.Support;

/// <summary>
/// A fake clock whose wall time can be stepped (<see cref="Step"/>: an NTP correction, a manual change, a VM resumed)
/// without moving its monotonic time or its timers, which <see cref="FakeTimeProvider"/> alone cannot do: its
/// timestamps follow its wall time and it never goes back. Timestamps and timers are <see cref="Fake"/>'s.
/// </summary>
internal sealed class SteppedWallClock : TimeProvider
{
    public FakeTimeProvider Fake { get; } = new();

    /// <summary>How far the wall clock stands from the monotonic one; any sign.</summary>
    public TimeSpan Step { get; set; }

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow() + Step;

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Fake.CreateTimer(callback, state, dueTime, period);
}
