using One2One.Server.Media;

namespace One2One.Server.Calls;

/// <summary>
/// The sides of a call whose media path was lost, each with the timer that ends the call if the path does not return
/// within <see cref="CallOptions.MediaReconnectWindow"/>. Not thread-safe: owned by its <see cref="Call"/>'s gate.
/// </summary>
internal sealed class ReconnectingSides
{
    private ITimer? _caller;
    private ITimer? _callee;

    public bool Contains(CallSide side) => Slot(side) is not null;

    /// <summary>Marks <paramref name="side"/> reconnecting and starts its window; false (and no timer) if it already is.</summary>
    public bool TryAdd(CallSide side, Func<ITimer> startWindow)
    {
        ref var slot = ref Slot(side);
        if (slot is not null)
        {
            return false;
        }

        slot = startWindow();
        return true;
    }

    /// <summary>The side's path is back: its window stops. False if it was not reconnecting.</summary>
    public bool Remove(CallSide side)
    {
        ref var slot = ref Slot(side);
        if (slot is null)
        {
            return false;
        }

        slot.Dispose();
        slot = null;
        return true;
    }

    public void Clear()
    {
        Remove(CallSide.Caller);
        Remove(CallSide.Callee);
    }

    private ref ITimer? Slot(CallSide side) => ref side == CallSide.Caller ? ref _caller : ref _callee;
}
