namespace One2One.MediaServer.Protocol;

/// <summary>
/// One session's replies by request id, as KMS's request cache (ServerMethods.cpp, 20 s): a client whose connection dropped
/// after it wrote a request sends it again with the same id on the resumed session and gets the first run's reply; the
/// request is not run twice (a second <c>create</c> would leave an object nobody holds, a second <c>processOffer</c> fails).
/// Unlike KMS, a request sent again while its first run is still going waits for that run's reply.
/// </summary>
/// <remarks>
/// Bounded: a reply is kept for <see cref="Lifetime"/> after it was written, and at most <see cref="Capacity"/> replies
/// or <see cref="CapacityBytes"/> bytes of them per session (the oldest go first). A client re-sends what its dropped
/// connection cut as soon as it has resumed the session, and the session gets no request while it is away: a reply is
/// forgotten before its resend only when that many replies (or 4 MB of them, about a thousand SDP answers) were written
/// after it, nearly all of them in flight together when the connection dropped.
/// Thread-safe (its own lock): the connection a request came on and the one it is re-sent on may be two.
/// </remarks>
internal sealed class ReplyCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(20);
    public const int Capacity = 16_384;
    public const int CapacityBytes = 4 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<Entry> _order = new();
    private readonly long _lifetime; // Lifetime in the provider's timestamp units: expiry is on the monotonic clock, as the client's resend is
    private long _bytes;

    public ReplyCache(TimeProvider time)
    {
        _time = time;
        _lifetime = (long)(Lifetime.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Replies kept or awaited (tests).</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// The reply to an earlier request with <paramref name="id"/> (its JSON text), written or still to come: true and
    /// <paramref name="earlier"/> when there is one. Otherwise false, and <paramref name="run"/> must be completed with this
    /// request's reply (<see cref="Complete"/>) or given up (<see cref="Forget"/>).
    /// </summary>
    public bool TryJoin(string id, out Task<byte[]> earlier, out Entry run)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            Prune(now);
            if (_entries.TryGetValue(id, out var entry) && !entry.HasExpired(now))
            {
                earlier = entry.Reply;
                run = entry;
                return true;
            }

            if (entry is not null)
            {
                RemoveLocked(entry);
            }

            run = new Entry(id);
            _entries[id] = run;
            _order.Enqueue(run);
            earlier = run.Reply;
            Trim();
            return false;
        }
    }

    public void Complete(Entry run, byte[] reply)
    {
        lock (_lock)
        {
            run.ExpiresAt = _time.GetTimestamp() + _lifetime;
            if (_entries.TryGetValue(run.Id, out var current) && ReferenceEquals(current, run))
            {
                run.Bytes = reply.Length;
                _bytes += reply.Length;
                Trim();
            }
        }

        run.SetReply(reply);
    }

    /// <summary>The run failed without a reply (a crash): a later request with the id runs again; one waiting gets <paramref name="reply"/>.</summary>
    public void Forget(Entry run, byte[] reply)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(run.Id, out var current) && ReferenceEquals(current, run))
            {
                RemoveLocked(run);
            }
        }

        run.SetReply(reply);
    }

    private void Prune(long now)
    {
        // Oldest first; one still running stops the sweep (it expires only once it has a reply), Trim bounds the rest.
        while (_order.TryPeek(out var oldest) && (oldest.Removed || oldest.HasExpired(now)))
        {
            _order.Dequeue();
            if (!oldest.Removed)
            {
                RemoveLocked(oldest);
            }
        }
    }

    private void Trim()
    {
        while ((_entries.Count > Capacity || _bytes > CapacityBytes) && _order.TryDequeue(out var oldest))
        {
            if (!oldest.Removed)
            {
                RemoveLocked(oldest);
            }
        }
    }

    private void RemoveLocked(Entry entry)
    {
        entry.Removed = true;
        _bytes -= entry.Bytes;
        entry.Bytes = 0;
        if (_entries.TryGetValue(entry.Id, out var current) && ReferenceEquals(current, entry))
        {
            _entries.Remove(entry.Id);
        }
    }

    /// <summary>One request id's run: its reply once written. Its fields are the cache's, under its lock.</summary>
    internal sealed class Entry(string id)
    {
        private readonly TaskCompletionSource<byte[]> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Id { get; } = id;

        public Task<byte[]> Reply => _reply.Task;

        /// <summary>When the reply is forgotten (<see cref="TimeProvider.GetTimestamp"/>), once written.</summary>
        public long? ExpiresAt { get; set; }

        public int Bytes { get; set; }

        public bool Removed { get; set; }

        public bool HasExpired(long now) => ExpiresAt is { } expiry && now >= expiry;

        public void SetReply(byte[] reply) => _reply.TrySetResult(reply);
    }
}
