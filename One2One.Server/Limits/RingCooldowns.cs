using System.Collections.Concurrent;

namespace One2One.Server.Limits;

/// <summary>
/// After a ring that went unanswered (no answer, or declined), its caller may not ring that person again for
/// <see cref="LimitsOptions.RingAgainAfterUnanswered"/>. Counting ring starts alone (<see cref="RingLimiter"/>) let a caller
/// keep someone's phone ringing: a ring lasts <c>Calls:RingingTimeout</c> (30 s), so one started as soon as the last went
/// unanswered fits any number a minute, and the person rang for ever, busy to everyone else. The caller is its client
/// address (an IPv6 /48) and its name, so that the colleagues behind one office NAT are not kept from ringing someone
/// because one of them went unanswered; a caller who takes a new name for each ring still meets
/// <see cref="RingLimiter"/>'s rings per address and the registration limits. Names regardless of case.
/// </summary>
/// <remarks>
/// Thread-safe (a concurrent dictionary of when each pair's cool-down started). Bounded: ended cool-downs are dropped
/// whenever the dictionary has doubled since the last sweep, so it holds about the pairs left unanswered within one
/// cool-down, which the ring limits bound.
/// </remarks>
internal sealed class RingCooldowns(TimeProvider time, TimeSpan length)
{
    private const int FirstSweepAt = 1024;

    private readonly ConcurrentDictionary<(ClientAddress Caller, string CallerName, string Callee), long> _startedAt = new();
    private int _sweepAt = FirstSweepAt;

    public int Count => _startedAt.Count;

    /// <summary>A ring from <paramref name="caller"/> to <paramref name="callee"/> ended unanswered.</summary>
    public void Start(ClientAddress caller, string callerName, string callee)
    {
        if (length <= TimeSpan.Zero)
        {
            return;
        }

        _startedAt[(caller, callerName.ToUpperInvariant(), callee.ToUpperInvariant())] = time.GetTimestamp();
        if (_startedAt.Count >= Volatile.Read(ref _sweepAt))
        {
            Sweep();
        }
    }

    /// <summary>Whether <paramref name="caller"/> must wait before ringing <paramref name="callee"/> again, and how long.</summary>
    public bool IsCooling(ClientAddress caller, string callerName, string callee, out TimeSpan left)
    {
        left = TimeSpan.Zero;
        var key = (caller, callerName.ToUpperInvariant(), callee.ToUpperInvariant());
        if (!_startedAt.TryGetValue(key, out var startedAt))
        {
            return false;
        }

        var elapsed = time.GetElapsedTime(startedAt);
        if (elapsed >= length)
        {
            _startedAt.TryRemove(new KeyValuePair<(ClientAddress, string, string), long>(key, startedAt));
            return false;
        }

        left = length - elapsed;
        return true;
    }

    private void Sweep()
    {
        var now = time.GetTimestamp();
        foreach (var (key, startedAt) in _startedAt)
        {
            if (time.GetElapsedTime(startedAt, now) >= length)
            {
                _startedAt.TryRemove(new KeyValuePair<(ClientAddress, string, string), long>(key, startedAt));
            }
        }

        Volatile.Write(ref _sweepAt, Math.Max(FirstSweepAt, _startedAt.Count * 2));
    }
}
