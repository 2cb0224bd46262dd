namespace One2One.MediaServer.Elements;

/// <summary>
/// One <c>subscribe</c>: events of <see cref="EventType"/> (7.x name) raised by the object go to
/// <see cref="Subscriber"/>, named <see cref="DeliveredAs"/> (the name the client subscribed with, maybe a 6.x alias).
/// </summary>
internal sealed record EventSubscription(string Id, string EventType, string DeliveredAs, IEventSubscriber Subscriber);

/// <summary>Receives events of the objects it subscribed to. Called on media threads: must only enqueue, never block or throw.</summary>
internal interface IEventSubscriber
{
    void Deliver(MediaObject source, EventSubscription subscription, MediaEvent mediaEvent);
}

/// <summary>Whoever created a media object (a protocol session); told once when the object is released.</summary>
internal interface IMediaObjectOwner
{
    void OnReleased(MediaObject mediaObject);
}
