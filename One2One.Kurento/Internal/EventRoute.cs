using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace One2One.Kurento.Internal;

/// <summary>
/// One server subscription (an object and an event type) and the local handlers sharing it.
/// </summary>
/// <remarks>
/// <see cref="Handlers"/> is replaced, never mutated, under the router's lock; the dispatch loop reads a
/// snapshot. <see cref="Subscribed"/> completes once, with the subscription id or the subscribe error.
/// </remarks>
internal abstract class EventRoute(KurentoEventRouter router, string objectId, string eventType)
{
    public KurentoEventRouter Router { get; } = router;

    public string ObjectId { get; } = objectId;

    /// <summary>The 7.x event name: the route's key whichever name the server accepted.</summary>
    public string EventType { get; } = eventType;

    public TaskCompletionSource<string> Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set (under the router's lock) when the server forgot the subscription: session lost or object released.</summary>
    public bool Detached { get; set; }

    public abstract int HandlerCount { get; }

    public abstract void AddHandler(Delegate handler);

    public abstract void RemoveHandler(Delegate handler);

    /// <summary>Parses the event once and runs each handler; a malformed event or a throwing handler is logged, never rethrown.</summary>
    public abstract void Deliver(JsonElement data, ILogger logger);
}

internal sealed class EventRoute<TEvent>(KurentoEventRouter router, string objectId)
    : EventRoute(router, objectId, TEvent.EventType)
    where TEvent : IKurentoEvent<TEvent>
{
    private volatile Subscriber[] _handlers = [];

    public override int HandlerCount => _handlers.Length;

    /// <summary>The handler runs in the execution context of this call (as a CancellationToken callback would): the subscriber's
    /// activity and log scope (a call's) are current while it handles the event.</summary>
    public override void AddHandler(Delegate handler) => _handlers = [.. _handlers, new Subscriber((Action<TEvent>)handler, ExecutionContext.Capture())];

    public override void RemoveHandler(Delegate handler)
    {
        var handlers = _handlers;
        int index = Array.FindIndex(handlers, s => s.Handler.Equals(handler));
        if (index >= 0)
        {
            _handlers = [.. handlers[..index], .. handlers[(index + 1)..]];
        }
    }

    public override void Deliver(JsonElement data, ILogger logger)
    {
        TEvent parsed;
        try
        {
            parsed = TEvent.Parse(data);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            KurentoLog.MalformedEvent(logger, EventType, ObjectId, e);
            return;
        }

        foreach (var subscriber in _handlers)
        {
            try
            {
                if (subscriber.Context is { } context)
                {
                    ExecutionContext.Run(context, static state => ((Delivery)state!).Run(), new Delivery(subscriber.Handler, parsed));
                }
                else
                {
                    subscriber.Handler(parsed);
                }
            }
            catch (Exception e)
            {
                // A handler's bug must not stop later handlers or events.
                KurentoLog.EventHandlerFailed(logger, EventType, ObjectId, e);
            }
        }
    }

    private sealed record Subscriber(Action<TEvent> Handler, ExecutionContext? Context);

    private sealed record Delivery(Action<TEvent> Handler, TEvent Event)
    {
        public void Run() => Handler(Event);
    }
}
