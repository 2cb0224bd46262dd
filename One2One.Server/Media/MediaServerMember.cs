using One2One.Kurento;

namespace One2One.Server.Media;

/// <summary>One media server of the <see cref="MediaServerPool"/>: its Kurento client and how many calls it holds.</summary>
/// <remarks>Thread-safe: the count changes by interlocked operations; the client is thread-safe.</remarks>
internal sealed class MediaServerMember(int index, string address, KurentoClient client)
{
    private int _calls;
    private long _unreachableSince = -1;
    private long _fullAt = -1; // when it last refused a call as full (40009); -1 never
    private long _lastChanceAt = -1; // when the monitor had its client try once more before giving it up; -1 none since it was last up

    /// <summary>Its position in <c>Kurento:Uris</c> (0 for the one server).</summary>
    public int Index { get; } = index;

    /// <summary>Scheme, host and port: what may be logged of its URI.</summary>
    public string Address { get; } = address;

    public KurentoClient Client { get; } = client;

    public int ActiveCalls => Volatile.Read(ref _calls);

    /// <summary>Its client tried to connect and could not, and has no session now: it gets no new calls.</summary>
    public bool IsDown => Client.SessionState is { IsUp: false, LastError: not null };

    /// <summary>Whether it refused a call as full within <see cref="MediaServerPool.FullFor"/> of <paramref name="now"/>.</summary>
    internal bool IsFull(TimeProvider time, long now)
    {
        var at = Volatile.Read(ref _fullAt);
        return at >= 0 && time.GetElapsedTime(at, now) < MediaServerPool.FullFor;
    }

    internal void MarkFull(long timestamp) => Volatile.Write(ref _fullAt, timestamp);

    internal void Acquire() => Interlocked.Increment(ref _calls);

    internal void Release() => Interlocked.Decrement(ref _calls);

    /// <summary>
    /// Called by the pool's monitor: how long the member has been without a session (null while it has one). The first
    /// tick that sees it down starts the count.
    /// </summary>
    internal TimeSpan? UnreachableFor(TimeProvider time)
    {
        if (Client.SessionState.IsUp)
        {
            Volatile.Write(ref _unreachableSince, -1);
            Volatile.Write(ref _lastChanceAt, -1);
            return null;
        }

        var since = Volatile.Read(ref _unreachableSince);
        if (since < 0)
        {
            Volatile.Write(ref _unreachableSince, time.GetTimestamp());
            return TimeSpan.Zero;
        }

        return time.GetElapsedTime(since);
    }

    /// <summary>
    /// Called by the pool's monitor once the member has been unreachable long enough to be given up: true once its client
    /// was told to try again at least <paramref name="grace"/> ago and the session is still not back. The first call tells
    /// it (the client's backoff after failures may be waiting past an outage already over: the wait is cut short; an
    /// attempt under way goes on) and says false.
    /// </summary>
    internal bool HadLastChance(TimeProvider time, TimeSpan grace)
    {
        var at = Volatile.Read(ref _lastChanceAt);
        if (at < 0)
        {
            Volatile.Write(ref _lastChanceAt, time.GetTimestamp());
            Client.ReconnectNow();
            return false;
        }

        return time.GetElapsedTime(at) >= grace;
    }

    internal void ForgetLastChance() => Volatile.Write(ref _lastChanceAt, -1);

    /// <summary>Its calls were ended as lost: the count starts again for whatever it holds next.</summary>
    internal void ForgetUnreachable()
    {
        Volatile.Write(ref _unreachableSince, -1);
        Volatile.Write(ref _lastChanceAt, -1);
    }

    public override string ToString() => Address;
}
