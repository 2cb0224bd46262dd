using Microsoft.Extensions.Logging;

namespace One2One.MediaServer.Elements;

internal static partial class ElementsLog
{
    [LoggerMessage(EventId = 100, EventName = "EventDeliveryFailed", Level = LogLevel.Error, Message = "Delivering event {EventType} of {ObjectId} failed")]
    public static partial void EventDeliveryFailed(ILogger logger, Exception exception, string eventType, string objectId);

    [LoggerMessage(EventId = 101, EventName = "StopRelayFailed", Level = LogLevel.Warning, Message = "Stopping the relay {SourceId} -> {SinkId} failed")]
    public static partial void StopRelayFailed(ILogger logger, Exception exception, string sourceId, string sinkId);

    [LoggerMessage(EventId = 102, EventName = "MediaDisposeFailed", Level = LogLevel.Warning, Message = "Disposing the media session of {ObjectId} failed")]
    public static partial void MediaDisposeFailed(ILogger logger, Exception exception, string objectId);

    [LoggerMessage(EventId = 103, EventName = "ObjectCreated", Level = LogLevel.Debug, Message = "Created {ObjectId}")]
    public static partial void ObjectCreated(ILogger logger, string objectId);

    [LoggerMessage(EventId = 104, EventName = "ObjectReleased", Level = LogLevel.Debug, Message = "Released {ObjectId}")]
    public static partial void ObjectReleased(ILogger logger, string objectId);
}
