using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace One2One.Kurento.Internal;

/// <summary>
/// Subscriptions and event dispatch: one server subscription per (object, event type), shared by its local
/// handlers; events routed by <c>params.value.object</c> and <c>params.value.type</c>.
/// </summary>
/// <remarks>
/// Ownership: <see cref="_routes"/> and <see cref="_currentNames"/> are guarded by <see cref="_lock"/>.
/// <see cref="_queue"/> is written by the connections' receive loops and read only by
/// <see cref="DispatchLoopAsync"/>, which runs every handler: one at a time, in arrival order, so a slow
/// handler delays later events but never a reply. The queue is bounded: while it is full, new events are dropped and
/// counted (<see cref="DroppedCount"/>, Interlocked), never waited for (the receive loop carries the replies too).
/// </remarks>
internal sealed class KurentoEventRouter
{
    private readonly Func<string, JsonObject?, CancellationToken, Task<JsonElement>> _request;
    private readonly ILogger _logger;
    private readonly Channel<KurentoEventMessage> _queue;
    private readonly Task _dispatchLoop;
    private long _dropped;
    private int _overflowing; // 1 from a drop until an event is queued again
    private volatile bool _completing;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string ObjectId, string EventType), EventRoute> _routes = [];

    // 6.x name → 7.x name, so an event under either name reaches the same route.
    private readonly Dictionary<string, string> _currentNames = [];

    public KurentoEventRouter(Func<string, JsonObject?, CancellationToken, Task<JsonElement>> request, int capacity, ILogger logger)
    {
        _request = request;
        _logger = logger;
        _queue = Channel.CreateBounded<KurentoEventMessage>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        // Independent of whoever made the client: each handler runs in its subscriber's context instead (EventRoute).
        _dispatchLoop = DetachedTask.Run(DispatchLoopAsync);
    }

    public int RouteCount
    {
        get
        {
            lock (_lock)
            {
                return _routes.Count;
            }
        }
    }

    /// <summary>Events dropped while the queue was full.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Queues an event for its handlers; drops it when the queue is full, logged on the first drop of each time the queue
    /// overflows (an overflow days later is a new one) and every 1,000th.
    /// </summary>
    public void Enqueue(KurentoEventMessage message)
    {
        if (_queue.Writer.TryWrite(message) || _completing)
        {
            if (Volatile.Read(ref _overflowing) != 0)
            {
                // Room again: the next drop is a new overflow, and is logged.
                Volatile.Write(ref _overflowing, 0);
            }

            return;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        if (Interlocked.Exchange(ref _overflowing, 1) == 0 || dropped % 1000 == 0)
        {
            KurentoLog.EventsDropped(_logger, dropped, message.EventType, message.ObjectId);
        }
    }

    /// <summary>Stops dispatching once the events already queued have run.</summary>
    public Task CompleteAsync()
    {
        _completing = true;
        _queue.Writer.TryComplete();
        return _dispatchLoop;
    }

    public async Task<KurentoSubscription> SubscribeAsync<TEvent>(string objectId, Action<TEvent> handler, CancellationToken cancellationToken)
        where TEvent : IKurentoEvent<TEvent>
    {
        EventRoute? route;
        bool created = false;
        lock (_lock)
        {
            var key = (objectId, TEvent.EventType);
            if (!_routes.TryGetValue(key, out route))
            {
                route = new EventRoute<TEvent>(this, objectId);
                _routes.Add(key, route);
                if (TEvent.LegacyEventType is { } legacy)
                {
                    _currentNames[legacy] = TEvent.EventType;
                }

                created = true;
            }

            route.AddHandler(handler);
        }

        if (created)
        {
            // Not tied to this caller's token: other handlers may be waiting on the same subscribe.
            _ = SubscribeOnServerAsync(route, TEvent.LegacyEventType);
        }

        try
        {
            string id = await route.Subscribed.Task.WaitAsync(cancellationToken);
            return new KurentoSubscription(route, handler, id);
        }
        catch
        {
            await RemoveHandlerAsync(route, handler, waitForUnsubscribe: false);
            throw;
        }
    }

    public Task RemoveHandlerAsync(EventRoute route, Delegate handler) => RemoveHandlerAsync(route, handler, waitForUnsubscribe: true);

    /// <summary>The media server lost the session: every subscription is gone with it.</summary>
    public void DetachAll()
    {
        lock (_lock)
        {
            foreach (var route in _routes.Values)
            {
                route.Detached = true;
            }

            _routes.Clear();
        }
    }

    /// <summary>Released objects: the media server dropped their subscriptions.</summary>
    public void Detach(IReadOnlyCollection<string> objectIds)
    {
        lock (_lock)
        {
            List<(string, string)>? detached = null;
            foreach (var (key, route) in _routes)
            {
                if (objectIds.Contains(key.ObjectId))
                {
                    route.Detached = true;
                    (detached ??= []).Add(key);
                }
            }

            foreach (var key in detached ?? [])
            {
                _routes.Remove(key);
            }
        }
    }

    private async Task RemoveHandlerAsync(EventRoute route, Delegate handler, bool waitForUnsubscribe)
    {
        bool unsubscribe;
        lock (_lock)
        {
            route.RemoveHandler(handler);
            unsubscribe = route.HandlerCount == 0 && !route.Detached;
            if (unsubscribe)
            {
                route.Detached = true;
                RemoveRoute(route);
            }
        }

        if (unsubscribe)
        {
            var unsubscribing = UnsubscribeAsync(route);
            if (waitForUnsubscribe)
            {
                await unsubscribing;
            }
        }
    }

    private void RemoveRoute(EventRoute route)
    {
        var key = (route.ObjectId, route.EventType);
        if (_routes.TryGetValue(key, out var current) && current == route)
        {
            _routes.Remove(key);
        }
    }

    private async Task SubscribeOnServerAsync(EventRoute route, string? legacyEventType)
    {
        try
        {
            JsonElement result;
            try
            {
                result = await _request("subscribe", SubscribeParams(route.EventType, route.ObjectId), CancellationToken.None);
            }
            catch (KurentoException e) when (e.Code == KurentoErrorCodes.MediaObjectEventNotSupported && legacyEventType is not null)
            {
                // Kurento 6.x before 6.18 only knows the old name (naevatec/kms-siprtpendpoint#7).
                KurentoLog.EventNameFallback(_logger, route.EventType, legacyEventType, route.ObjectId);
                result = await _request("subscribe", SubscribeParams(legacyEventType, route.ObjectId), CancellationToken.None);
            }

            route.Subscribed.TrySetResult(KurentoReply.GetString(result, $"subscribe {route.EventType}"));
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                RemoveRoute(route);
            }

            route.Subscribed.TrySetException(e);
        }

        static JsonObject SubscribeParams(string type, string objectId) => new() { ["type"] = type, ["object"] = objectId };
    }

    private async Task UnsubscribeAsync(EventRoute route)
    {
        string subscription;
        try
        {
            subscription = await route.Subscribed.Task;
        }
        catch (Exception e) when (e is KurentoException or ObjectDisposedException or OperationCanceledException)
        {
            return; // never subscribed
        }

        try
        {
            await _request("unsubscribe", new JsonObject { ["object"] = route.ObjectId, ["subscription"] = subscription }, CancellationToken.None);
        }
        catch (Exception e) when (e is KurentoException or ObjectDisposedException or OperationCanceledException)
        {
            KurentoLog.UnsubscribeFailed(_logger, subscription, route.ObjectId, e);
        }
    }

    private async Task DispatchLoopAsync()
    {
        await foreach (var message in _queue.Reader.ReadAllAsync())
        {
            EventRoute? route;
            lock (_lock)
            {
                string eventType = _currentNames.GetValueOrDefault(message.EventType, message.EventType);
                _routes.TryGetValue((message.ObjectId, eventType), out route);
            }

            if (route is null)
            {
                KurentoLog.EventWithoutSubscriber(_logger, message.EventType, message.ObjectId);
                continue;
            }

            route.Deliver(message.Data, _logger);
        }
    }
}
