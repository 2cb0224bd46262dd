namespace One2One.MediaServer.Elements;

/// <summary>
/// One <c>subscribe</c>: events of <see cref="EventType"/> (7.x name) raised by the object go to
/// <see cref="Subscriber"/>, named <see cref="DeliveredAs"/> (the name the client subscribed with, maybe a 6.x alias).
/// </summary>
internal sealed record EventSubscription(string Id, string EventType, string DeliveredAs, IEventSubscriber Subscriber);

/// <summary>
/// Receives events of the objects it subscribed to, and is told when its subscriptions end so it can forget the
/// object. <see cref="Deliver"/> is called on media threads: it must only enqueue, never block or throw. The other
/// two are called on protocol threads (a request, the session collector) and must not call back into the object.
/// </summary>
internal interface IEventSubscriber
{
    void Deliver(MediaObjectImpl source, EventSubscription subscription, MediaEvent mediaEvent);

    /// <summary><paramref name="subscription"/> on <paramref name="source"/> was removed by <c>unsubscribe</c>.</summary>
    void OnUnsubscribed(MediaObjectImpl source, EventSubscription subscription);

    /// <summary><paramref name="source"/> was released: every subscription on it is gone. Once per subscriber.</summary>
    void OnSourceReleased(MediaObjectImpl source);
}

/// <summary>A session holding a media object (its creator, or one that took a hold on it); told once when the object is released.</summary>
internal interface IMediaObjectOwner
{
    void OnReleased(MediaObjectImpl mediaObject);
}
