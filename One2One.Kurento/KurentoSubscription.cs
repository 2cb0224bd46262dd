using One2One.Kurento.Internal;

namespace One2One.Kurento;

/// <summary>A handler's subscription to an object's event; disposing removes the handler, and the last one unsubscribes by id.</summary>
public sealed class KurentoSubscription : IAsyncDisposable
{
    private readonly EventRoute _route;
    private readonly Delegate _handler;
    private int _disposed;

    internal KurentoSubscription(EventRoute route, Delegate handler, string id)
    {
        _route = route;
        _handler = handler;
        Id = id;
    }

    /// <summary>The media server's subscription id (shared by the handlers of one event type on one object).</summary>
    public string Id { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _route.Router.RemoveHandlerAsync(_route, _handler);
        }
    }
}
