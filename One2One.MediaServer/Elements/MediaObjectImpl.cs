using System.Collections.Immutable;
using One2One.MediaServer.Protocol;

namespace One2One.MediaServer.Elements;

/// <summary>
/// Kurento's MediaObject: an id, a type, a parent, tags, event subscriptions and a released flag.
/// Name, tags and the property bag are guarded by <see cref="_stateLock"/> (short, never held across a call
/// out); subscriptions are a copy-on-write array so that media threads raise events without taking a lock.
/// </summary>
internal abstract class MediaObjectImpl
{
    // Bounds on what a client can store on an object (40009 for one tag too many, 40107 for a value too long):
    // generous for any real use, small enough that a client cannot grow the server's memory through them.
    public const int MaxTags = 64;
    public const int MaxTagKeyLength = 256;
    public const int MaxTagValueLength = 4096;

    // All of an object's tags, keys and values, in characters: a subscriber that asked for tags in events
    // (setSendTagsInEvents, which any session may ask of any object) gets them in every event of the object, and a
    // transaction of getTags repeats them, so what one object carries is kept small.
    public const int MaxTagsLength = 16 * 1024;
    public const int MaxNameLength = 1024;
    public const int MaxPropertyJsonLength = 4096;

    private readonly Lock _stateLock = new();
    private readonly Dictionary<string, string> _tags = new(StringComparer.Ordinal);
    private int _tagsLength;
    private readonly Dictionary<string, string> _properties = new(StringComparer.Ordinal);
    private ImmutableArray<EventSubscription> _subscriptions = ImmutableArray<EventSubscription>.Empty;
    private ImmutableArray<IMediaObjectOwner> _holders;
    private string? _name;
    private volatile bool _released;
    private volatile bool _sendTagsInEvents;

    protected MediaObjectImpl(string id, MediaObjectType type, MediaSet mediaSet, MediaObjectImpl? parent, IMediaObjectOwner? owner)
    {
        Id = id;
        Type = type;
        MediaSet = mediaSet;
        Parent = parent;
        _holders = owner is null ? [] : [owner];
        CreationTime = mediaSet.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
    }

    public string Id { get; }

    public MediaObjectType Type { get; }

    public MediaSet MediaSet { get; }

    /// <summary>The pipeline of an element; null for a pipeline (KMS: "A MediaPipeline has no parent") and the ServerManager.</summary>
    public MediaObjectImpl? Parent { get; }

    /// <summary>
    /// Whether a session other than the ones that let go holds the object: its creator, or one that took a hold on it (KMS
    /// <c>ref</c>, e.g. an app node that took over the calls of one that died). Closing a session releases only what nobody
    /// else holds.
    /// </summary>
    public bool IsHeld => !_holders.IsEmpty;

    /// <summary>Adds <paramref name="holder"/> to the sessions holding the object (KMS <c>ref</c>); false if it held it already.</summary>
    public bool AddHolder(IMediaObjectOwner holder)
    {
        var added = false;
        ImmutableInterlocked.Update(ref _holders, (list, h) =>
        {
            added = !list.Contains(h);
            return added ? list.Add(h) : list;
        }, holder);
        return added;
    }

    /// <summary>Takes <paramref name="holder"/>'s hold off the object (KMS <c>unref</c>, or its session closing); true if someone still holds it.</summary>
    public bool RemoveHolder(IMediaObjectOwner holder)
    {
        ImmutableInterlocked.Update(ref _holders, static (list, h) => list.Remove(h), holder);
        return IsHeld;
    }

    /// <summary>Tells every session holding the object that it was released (once, by whoever released it).</summary>
    protected internal void NotifyHoldersReleased()
    {
        foreach (var holder in ImmutableInterlocked.InterlockedExchange(ref _holders, []))
        {
            holder.OnReleased(this);
        }
    }

    /// <summary>Seconds since the Unix epoch (KMS creationTime).</summary>
    public long CreationTime { get; }

    public bool IsReleased => _released;

    /// <summary>Releases the object (a pipeline with its elements); 40101 if already released, 40111 for the ServerManager.</summary>
    public virtual ValueTask ReleaseAsync() =>
        throw new KurentoErrorException(KurentoErrorCode.MediaObjectOperationNotSupported, $"{Type} cannot be released");

    public bool SendTagsInEvents
    {
        get => _sendTagsInEvents;
        set => _sendTagsInEvents = value;
    }

    public string Name
    {
        get
        {
            lock (_stateLock)
            {
                return _name ?? Id;
            }
        }
        set
        {
            ThrowIfLongerThan(value, MaxNameLength, "name");
            lock (_stateLock)
            {
                _name = value;
            }
        }
    }

    public virtual IReadOnlyList<MediaObjectImpl> Children => [];

    /// <summary>Marks the object released; true only for the first caller.</summary>
    protected bool TryMarkReleased()
    {
        lock (_stateLock)
        {
            if (_released)
            {
                return false;
            }

            _released = true;
        }

        // A subscribe racing with this either lands in the list swapped out here (and its subscriber is told below)
        // or sees the released flag set above and takes itself back.
        var ended = ImmutableInterlocked.InterlockedExchange(ref _subscriptions, ImmutableArray<EventSubscription>.Empty);
        NotifySourceReleased(ended);
        return true;
    }

    public KurentoErrorException NotFound() => KurentoErrors.ObjectNotFound(Id);

    // Tags (Kurento addTag/removeTag/getTag/getTags).

    public void AddTag(string key, string value)
    {
        ThrowIfLongerThan(key, MaxTagKeyLength, "tag key");
        ThrowIfLongerThan(value, MaxTagValueLength, "tag value");
        lock (_stateLock)
        {
            var replaced = _tags.TryGetValue(key, out var old);
            if (_tags.Count >= MaxTags && !replaced)
            {
                throw KurentoErrors.NotEnoughResources($"Object '{Id}' already has {MaxTags} tags: remove one first");
            }

            if (_tagsLength - (replaced ? key.Length + old!.Length : 0) + key.Length + value.Length > MaxTagsLength)
            {
                throw KurentoErrors.NotEnoughResources($"Object '{Id}' would carry more than {MaxTagsLength} characters of tags: remove one first");
            }

            _tagsLength += key.Length + value.Length - (replaced ? key.Length + old!.Length : 0);
            _tags[key] = value;
        }
    }

    public void RemoveTag(string key)
    {
        lock (_stateLock)
        {
            if (_tags.Remove(key, out var old))
            {
                _tagsLength -= key.Length + old.Length;
            }
        }
    }

    public bool TryGetTag(string key, out string value)
    {
        lock (_stateLock)
        {
            return _tags.TryGetValue(key, out value!);
        }
    }

    public KeyValuePair<string, string>[] GetTags()
    {
        lock (_stateLock)
        {
            return [.. _tags];
        }
    }

    // Properties the protocol stores for getXxx/setXxx without media meaning (e.g. maxVideoSendBandwidth),
    // kept as JSON text: opaque to the element.

    public bool TryGetProperty(string name, out string json)
    {
        lock (_stateLock)
        {
            return _properties.TryGetValue(name, out json!);
        }
    }

    /// <summary>Stores <paramref name="json"/> under <paramref name="name"/> (callers pass known names only, so the count is bounded).</summary>
    public void SetProperty(string name, string json)
    {
        ThrowIfLongerThan(json, MaxPropertyJsonLength, $"'{name}' value (as JSON)");
        lock (_stateLock)
        {
            _properties[name] = json;
        }
    }

    // Events.

    public EventSubscription Subscribe(string eventType, string deliveredAs, IEventSubscriber subscriber)
    {
        var subscription = new EventSubscription(Guid.NewGuid().ToString(), eventType, deliveredAs, subscriber);
        ImmutableInterlocked.Update(ref _subscriptions, static (list, s) => list.Add(s), subscription);
        if (_released)
        {
            // Raced with release: the subscription would never fire; report the object as gone.
            Remove(subscription.Id);
            throw NotFound();
        }

        return subscription;
    }

    /// <summary>Removes the subscription and tells its subscriber; false if there is none with that id.</summary>
    public bool Unsubscribe(string subscriptionId)
    {
        if (Remove(subscriptionId) is not { } removed)
        {
            return false;
        }

        removed.Subscriber.OnUnsubscribed(this, removed);
        return true;
    }

    /// <summary>Drops every subscription of <paramref name="subscriber"/> without telling it (its session is closing).</summary>
    public void UnsubscribeAll(IEventSubscriber subscriber) =>
        ImmutableInterlocked.Update(ref _subscriptions, static (list, s) => list.RemoveAll(x => ReferenceEquals(x.Subscriber, s)), subscriber);

    private EventSubscription? Remove(string subscriptionId)
    {
        EventSubscription? removed = null;
        ImmutableInterlocked.Update(ref _subscriptions, (list, id) =>
        {
            removed = null;
            for (var i = 0; i < list.Length; i++)
            {
                if (list[i].Id == id)
                {
                    removed = list[i];
                    return list.RemoveAt(i);
                }
            }

            return list;
        }, subscriptionId);
        return removed;
    }

    private void NotifySourceReleased(ImmutableArray<EventSubscription> ended)
    {
        if (ended.IsEmpty)
        {
            return;
        }

        var told = new HashSet<IEventSubscriber>(ReferenceEqualityComparer.Instance);
        foreach (var subscription in ended)
        {
            if (told.Add(subscription.Subscriber))
            {
                subscription.Subscriber.OnSourceReleased(this);
            }
        }
    }

    /// <summary>Whether anyone listens to <paramref name="eventType"/>; lets callers skip building the event.</summary>
    protected bool IsSubscribed(string eventType)
    {
        var list = _subscriptions;
        foreach (var s in list)
        {
            if (s.EventType == eventType)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Delivers to every subscription of the event's type. Safe from any thread; never throws.</summary>
    protected void Raise(MediaEvent mediaEvent)
    {
        var list = _subscriptions;
        foreach (var s in list)
        {
            if (s.EventType != mediaEvent.Type)
            {
                continue;
            }

            try
            {
                s.Subscriber.Deliver(this, s, mediaEvent);
            }
#pragma warning disable CA1031 // An observer callback must never throw into the media machinery.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ElementsLog.EventDeliveryFailed(MediaSet.Logger, ex, mediaEvent.Type, Id);
            }
        }
    }

    private static void ThrowIfLongerThan(string value, int limit, string what)
    {
        if (value.Length > limit)
        {
            throw KurentoErrors.IllegalParam($"The {what} is {value.Length} characters long; at most {limit} are allowed");
        }
    }

    protected long NowMillis() => MediaSet.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
