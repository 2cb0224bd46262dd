namespace One2One.Kurento.Internal;

/// <summary>
/// Objects whose <c>release</c> had an unknown outcome (the connection dropped after it was written, or no reply came in
/// time), each with the session it belongs to: the client sends the release again when that session resumes. Bounded:
/// past <see cref="Capacity"/> the oldest entry is given up.
/// </summary>
/// <remarks>
/// Thread-safe (<see cref="_lock"/>): closing connections, requesters and the retries all touch it.
/// </remarks>
internal sealed class UnsettledReleases(int capacity)
{
    private readonly Lock _lock = new();

    // Object id → the session it lives in; oldest first, for eviction.
    private readonly OrderedDictionary<string, string> _sessionOf = [];

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be positive.");

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessionOf.Count;
            }
        }
    }

    /// <summary>Remembers the object (again); returns the oldest object given up to stay within <see cref="Capacity"/>, if any.</summary>
    public string? Remember(string objectId, string sessionId)
    {
        lock (_lock)
        {
            _sessionOf[objectId] = sessionId;
            if (_sessionOf.Count <= Capacity)
            {
                return null;
            }

            string evicted = _sessionOf.GetAt(0).Key;
            _sessionOf.RemoveAt(0);
            return evicted;
        }
    }

    /// <summary>
    /// The objects to release again now that <paramref name="sessionId"/> has resumed. They stay remembered until
    /// <see cref="Settle"/>; objects of any other session are dropped, their session being gone.
    /// </summary>
    public IReadOnlyList<string> ResumedSession(string sessionId)
    {
        lock (_lock)
        {
            List<string> retry = [];
            for (int i = _sessionOf.Count - 1; i >= 0; i--)
            {
                var (objectId, session) = _sessionOf.GetAt(i);
                if (session == sessionId)
                {
                    retry.Add(objectId);
                }
                else
                {
                    _sessionOf.RemoveAt(i);
                }
            }

            retry.Reverse();
            return retry;
        }
    }

    /// <summary>The release of the object is known to have happened (or the object to be gone).</summary>
    public void Settle(string objectId)
    {
        lock (_lock)
        {
            _sessionOf.Remove(objectId);
        }
    }

    /// <summary>The session is lost and every object with it; returns how many releases were waiting.</summary>
    public int Clear()
    {
        lock (_lock)
        {
            int count = _sessionOf.Count;
            _sessionOf.Clear();
            return count;
        }
    }
}
