using One2One.Server.Media;

namespace One2One.Server.Calls;

/// <summary>
/// The sides of a call whose media path (or page) is away, each with the window that ends the call if it does not come back
/// in time. Not thread-safe: owned by its <see cref="Call"/>'s gate.
/// </summary>
internal sealed class ReconnectingSides
{
    private Window? _caller;
    private Window? _callee;

    public bool Contains(CallSide side) => Slot(side) is not null;

    /// <summary>Whether <paramref name="window"/> is still <paramref name="side"/>'s window (not ended, nor replaced by a longer one).</summary>
    public bool IsCurrent(CallSide side, object window) => ReferenceEquals(Slot(side), window);

    /// <summary>
    /// Marks <paramref name="side"/> reconnecting for <paramref name="length"/> from now (<paramref name="time"/>'s
    /// monotonic clock: a step of the wall clock moves no window); <paramref name="startTimer"/> starts the timer for the
    /// window it is given. A side already reconnecting keeps its window, unless <paramref name="extend"/> and the new one
    /// ends later: then the new one replaces it. True only when the side was not reconnecting before.
    /// </summary>
    public bool Begin(CallSide side, TimeProvider time, TimeSpan length, bool extend, Func<object, ITimer> startTimer)
    {
        ref var slot = ref Slot(side);
        var wasReconnecting = slot is not null;
        if (wasReconnecting && (!extend || time.GetElapsedTime(slot!.StartedAt) + length <= slot.Length))
        {
            return false;
        }

        slot?.Timer?.Dispose();
        var window = new Window(time.GetTimestamp(), length);
        slot = window;
        window.Timer = startTimer(window);
        return !wasReconnecting;
    }

    /// <summary>The side is back: its window stops. False if it was not reconnecting.</summary>
    public bool Remove(CallSide side)
    {
        ref var slot = ref Slot(side);
        if (slot is null)
        {
            return false;
        }

        slot.Timer?.Dispose();
        slot = null;
        return true;
    }

    public void Clear()
    {
        Remove(CallSide.Caller);
        Remove(CallSide.Callee);
    }

    private ref Window? Slot(CallSide side) => ref side == CallSide.Caller ? ref _caller : ref _callee;

    private sealed class Window(long startedAt, TimeSpan length)
    {
        /// <summary>When the window opened (<see cref="TimeProvider.GetTimestamp"/>).</summary>
        public long StartedAt { get; } = startedAt;

        public TimeSpan Length { get; } = length;

        public ITimer? Timer { get; set; }
    }
}
