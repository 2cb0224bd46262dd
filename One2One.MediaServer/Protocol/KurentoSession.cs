using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Protocol;

/// <summary>
/// A Kurento session: owns the objects it created and receives the events it subscribed to on the WebSocket
/// currently bound to it. Outlives its socket for <see cref="MediaServerOptions.SessionCollectTimeout"/> so a client
/// can resume with <c>connect {sessionId}</c>.
/// State (connection, timer, owned objects and pipeline counts, subscribed objects, closed flag) is guarded by <see cref="_lock"/>;
/// <see cref="_connection"/> is also read without the lock by media threads delivering events.
/// An object leaves <see cref="_owned"/> and <see cref="_subscribed"/> when it is released (or its last subscription
/// from here ends), so a long-lived session holds only live objects.
/// </summary>
internal sealed class KurentoSession : IEventSubscriber, IMediaObjectOwner
{
    /// <summary>
    /// Subscriptions one session may hold on one object (40009 beyond): a client subscribes once per event type it
    /// handles (a dozen at most), and each subscription copies the object's copy-on-write list.
    /// </summary>
    public const int MaxSubscriptionsPerObject = 64;

    private readonly Lock _lock = new();
    private readonly HashSet<MediaObjectImpl> _owned = [];
    // Each object this session has subscriptions on, with how many; an object is here exactly while it has one.
    private readonly Dictionary<MediaObjectImpl, int> _subscribed = [];
    private volatile ControlConnection? _connection;
    private ITimer? _collectTimer;
    private int _ownedPipelines;
    private int _reservedPipelines;
    private bool _closed;

    // Counts bindings, so a request that ran while another socket took the session over does not bind it back (see Binding).
    private long _bindings;

    public KurentoSession(string id, TimeProvider time)
    {
        Id = id;
        Replies = new ReplyCache(time);
    }

    public string Id { get; }

    /// <summary>The replies to this session's recent requests, for a request sent again after a dropped connection.</summary>
    public ReplyCache Replies { get; }

    public ControlConnection? Connection => _connection;

    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    public int OwnedCount
    {
        get
        {
            lock (_lock)
            {
                return _owned.Count;
            }
        }
    }

    /// <summary>Objects this session has subscriptions on (tests: released objects must not stay referenced).</summary>
    internal int SubscribedCount
    {
        get
        {
            lock (_lock)
            {
                return _subscribed.Count;
            }
        }
    }

    /// <summary>
    /// Which socket binding is current: taken as a request starts and given back to <see cref="TryAttach"/> as it ends, so a
    /// request that ran while the client resumed the session on a new socket (a slow <c>release</c> on a socket whose pings then
    /// went unanswered) does not bind the session back to the old one, which is closing and would take its events with it.
    /// </summary>
    public long Binding
    {
        get
        {
            lock (_lock)
            {
                return _bindings;
            }
        }
    }

    /// <summary>
    /// Binds <paramref name="connection"/>: events go there from now on. False if the session was collected or closed, or,
    /// given <paramref name="unlessReboundSince"/>, if another socket was bound since that <see cref="Binding"/>.
    /// </summary>
    public bool TryAttach(ControlConnection connection, long? unlessReboundSince = null)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            if (ReferenceEquals(_connection, connection))
            {
                return true;
            }

            if (unlessReboundSince is { } since && _bindings != since)
            {
                return false;
            }

            _bindings++;
            _connection = connection;
            _collectTimer?.Dispose();
            _collectTimer = null;
            return true;
        }
    }

    /// <summary>
    /// Unbinds <paramref name="connection"/> if it is the bound one, and arms the collector with <paramref name="startTimer"/>,
    /// given the <see cref="Binding"/> it is armed for: its callback closes the session only if no socket was bound since
    /// (<see cref="TryClose"/>'s <c>unlessReboundSince</c>).
    /// </summary>
    public void Detach(ControlConnection connection, Func<KurentoSession, long, ITimer> startTimer)
    {
        lock (_lock)
        {
            if (_closed || !ReferenceEquals(_connection, connection))
            {
                return;
            }

            _connection = null;
            _collectTimer?.Dispose();
            _collectTimer = startTimer(this, _bindings);
        }
    }

    /// <summary>
    /// Closes the session if it is (still) unbound, or unconditionally when <paramref name="evenIfBound"/>;
    /// returns what it owned so the caller can release it. Null if it was already closed or got a socket back, or, given
    /// <paramref name="unlessReboundSince"/> (the <see cref="Binding"/> a collect timer was armed for), if a socket was
    /// bound since: a timer that fired as a client came back, its callback queued past the disposal, must not collect the
    /// session the moment that client drops again (everything it holds, perhaps every call of an app server, released).
    /// </summary>
    public (MediaObjectImpl[] Owned, MediaObjectImpl[] Subscribed)? TryClose(bool evenIfBound, long? unlessReboundSince = null)
    {
        lock (_lock)
        {
            if (_closed || (!evenIfBound && _connection is not null) || (unlessReboundSince is { } since && _bindings != since))
            {
                return null;
            }

            _closed = true;
            _connection = null;
            _collectTimer?.Dispose();
            _collectTimer = null;
            var result = (_owned.ToArray(), _subscribed.Keys.ToArray());
            _owned.Clear();
            _ownedPipelines = 0;
            _subscribed.Clear();
            return result;
        }
    }

    /// <summary>
    /// Counts one more pipeline against <paramref name="limit"/>; 40009 when the session holds that many. Endpoints are
    /// bounded server-wide (<see cref="Elements.EndpointAdmission"/>), not per session: an application drives every
    /// call through one session. Pipelines are cheap but not free, so a runaway session is stopped here.
    /// </summary>
    public void ReservePipeline(int limit)
    {
        lock (_lock)
        {
            if (_ownedPipelines + _reservedPipelines >= limit)
            {
                throw KurentoErrors.NotEnoughResources(
                    $"Not enough resources: session '{Id}' holds {limit} pipelines, as many as the server admits endpoints (MediaServer:MaxEndpoints)");
            }

            _reservedPipelines++;
        }
    }

    /// <summary>
    /// Records <paramref name="created"/> as owned by this session (null: creation failed), dropping the pipeline
    /// reservation if <paramref name="pipelineReserved"/>. False if the session closed meanwhile: the caller must
    /// release the object.
    /// </summary>
    public bool CompleteCreation(MediaObjectImpl? created, bool pipelineReserved)
    {
        lock (_lock)
        {
            if (pipelineReserved)
            {
                _reservedPipelines--;
            }

            if (created is null || created.IsReleased)
            {
                return true;
            }

            if (_closed || !_owned.Add(created))
            {
                return false;
            }

            if (created is MediaPipelineImpl)
            {
                _ownedPipelines++;
            }

            return true;
        }
    }

    /// <summary>
    /// Takes a hold on <paramref name="target"/>, made by another session (KMS <c>ref</c>): it now lives until the last
    /// session holding it lets go, and this session's close releases it unless another still holds it. 40007 if this
    /// session closed.
    /// </summary>
    public void Hold(MediaObjectImpl target)
    {
        lock (_lock)
        {
            if (_closed)
            {
                throw new KurentoErrorException(KurentoErrorCode.InvalidSession, $"Session '{Id}' was closed");
            }

            if (!_owned.Add(target))
            {
                return;
            }

            target.AddHolder(this);
            if (target is MediaPipelineImpl)
            {
                _ownedPipelines++;
            }

            if (target.IsReleased)
            {
                // Released as it was taken: its release notice may have gone out before this session was a holder.
                _owned.Remove(target);
                target.RemoveHolder(this);
                if (target is MediaPipelineImpl)
                {
                    _ownedPipelines--;
                }

                throw target.NotFound();
            }
        }
    }

    /// <summary>
    /// Lets go of <paramref name="target"/> (KMS <c>unref</c>); true when nobody holds it any more, and the caller releases
    /// it. False if this session did not hold it.
    /// </summary>
    public bool LetGo(MediaObjectImpl target)
    {
        lock (_lock)
        {
            if (!_owned.Remove(target))
            {
                return false;
            }

            if (target is MediaPipelineImpl)
            {
                _ownedPipelines--;
            }
        }

        return !target.RemoveHolder(this) && !target.IsReleased;
    }

    /// <summary>
    /// Subscribes this session to <paramref name="eventType"/> of <paramref name="target"/>; 40101 if the object is
    /// released meanwhile, 40007 if the session closed, 40009 beyond <see cref="MaxSubscriptionsPerObject"/>.
    /// Under the lock, so a release's <see cref="IEventSubscriber.OnSourceReleased"/> can only come after the count
    /// is in place.
    /// </summary>
    public EventSubscription Subscribe(MediaObjectImpl target, string eventType, string deliveredAs)
    {
        lock (_lock)
        {
            if (_closed)
            {
                throw new KurentoErrorException(KurentoErrorCode.InvalidSession, $"Session '{Id}' was closed");
            }

            if (_subscribed.TryGetValue(target, out var count) && count >= MaxSubscriptionsPerObject)
            {
                throw KurentoErrors.NotEnoughResources(
                    $"Session '{Id}' already holds {MaxSubscriptionsPerObject} subscriptions on '{target.Id}': unsubscribe first");
            }

            var subscription = target.Subscribe(eventType, deliveredAs, this);
            _subscribed[target] = count + 1;
            return subscription;
        }
    }

    void IEventSubscriber.OnUnsubscribed(MediaObjectImpl source, EventSubscription subscription)
    {
        lock (_lock)
        {
            // Absent when the object was released meanwhile: its subscriptions are gone already.
            if (_subscribed.TryGetValue(source, out var count))
            {
                if (count > 1)
                {
                    _subscribed[source] = count - 1;
                }
                else
                {
                    _subscribed.Remove(source);
                }
            }
        }
    }

    void IEventSubscriber.OnSourceReleased(MediaObjectImpl source)
    {
        lock (_lock)
        {
            _subscribed.Remove(source);
        }
    }

    void IMediaObjectOwner.OnReleased(MediaObjectImpl mediaObject)
    {
        lock (_lock)
        {
            if (_owned.Remove(mediaObject) && mediaObject is MediaPipelineImpl)
            {
                _ownedPipelines--;
            }
        }
    }

    /// <summary>Media threads: serialize and enqueue on the bound socket; dropped when none is bound (as KMS).</summary>
    void IEventSubscriber.Deliver(MediaObjectImpl source, EventSubscription subscription, MediaEvent mediaEvent)
    {
        var connection = _connection;
        if (connection is null)
        {
            return;
        }

        connection.EnqueueEvent(KurentoEventWriter.Write(source, subscription.DeliveredAs, mediaEvent));
    }
}
