namespace One2One.Tests.Support;

/// <summary>
/// Timers that fire only when a test says, and whose callbacks run only when it says again: between the two, a timer can
/// be disposed as a real one is when its callback is already queued on the thread pool (<see cref="ITimer.Dispose"/>
/// does not stop a callback that is under way). For races with a timer's own end, which a fake clock that runs callbacks
/// at once cannot reach. Wall and monotonic time are the system's.
/// </summary>
internal sealed class DeferredTimers : TimeProvider
{
    private readonly List<Deferred> _timers = [];
    private readonly List<Action> _fired = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Deferred(() => callback(state));
        lock (_timers)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    /// <summary>Every timer not disposed fires: its callback is queued, to run at <see cref="RunFired"/>.</summary>
    public void Fire()
    {
        lock (_timers)
        {
            foreach (var timer in _timers.Where(t => !t.Disposed))
            {
                _fired.Add(timer.Callback);
                timer.Disposed = true; // one-shot
            }
        }
    }

    /// <summary>Runs the callbacks fired so far, whatever happened to their timers since.</summary>
    public void RunFired()
    {
        Action[] fired;
        lock (_timers)
        {
            fired = [.. _fired];
            _fired.Clear();
        }

        foreach (var callback in fired)
        {
            callback();
        }
    }

    private sealed class Deferred(Action callback) : ITimer
    {
        public Action Callback { get; } = callback;

        public bool Disposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => !Disposed;

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
