using Microsoft.Extensions.Logging;

namespace One2One.Kurento.Internal;

internal static partial class KurentoLog
{
    /// <param name="address">Scheme, host and port only (<see cref="LoggedAddress"/>): the path may be a secret.</param>
    [LoggerMessage(1, LogLevel.Debug, "Connecting to the media server at {Address}", EventName = "Connecting")]
    public static partial void Connecting(ILogger logger, string address);

    [LoggerMessage(2, LogLevel.Information, "Started media server session {SessionId}", EventName = "SessionStarted")]
    public static partial void SessionStarted(ILogger logger, string? sessionId);

    [LoggerMessage(3, LogLevel.Information, "Resumed media server session {SessionId}", EventName = "SessionResumed")]
    public static partial void SessionResumed(ILogger logger, string sessionId);

    [LoggerMessage(4, LogLevel.Warning, "The media server lost session {SessionId}: every media object is gone", EventName = "SessionLost")]
    public static partial void SessionLost(ILogger logger, string sessionId);

    [LoggerMessage(5, LogLevel.Warning, "Cannot connect to the media server", EventName = "ConnectFailed")]
    public static partial void ConnectFailed(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Warning, "Connection to the media server lost: {Reason}", EventName = "ConnectionLost")]
    public static partial void ConnectionLost(ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Information, "Reconnecting to the media server in {Delay}", EventName = "Reconnecting")]
    public static partial void Reconnecting(ILogger logger, TimeSpan delay);

    [LoggerMessage(8, LogLevel.Warning, "Keep-alive ping failed", EventName = "KeepAliveFailed")]
    public static partial void KeepAliveFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "Closing the media server connection failed", EventName = "CloseFailed")]
    public static partial void CloseFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Dropped a malformed message from the media server", EventName = "MalformedMessage")]
    public static partial void MalformedMessage(ILogger logger, Exception? exception);

    [LoggerMessage(11, LogLevel.Error, "A message from the media server exceeded {Limit} bytes", EventName = "MessageTooLarge")]
    public static partial void MessageTooLarge(ILogger logger, int limit);

    [LoggerMessage(12, LogLevel.Warning, "Dropped a reply without a usable id: {Error}", EventName = "ReplyWithoutId")]
    public static partial void ReplyWithoutId(ILogger logger, string error);

    [LoggerMessage(13, LogLevel.Debug, "Dropped a reply to request {Id}, which is no longer pending", EventName = "UnmatchedReply")]
    public static partial void UnmatchedReply(ILogger logger, long id);

    [LoggerMessage(14, LogLevel.Debug, "Ignored a notification {Method} from the media server", EventName = "UnknownNotification")]
    public static partial void UnknownNotification(ILogger logger, string method);

    [LoggerMessage(15, LogLevel.Warning, "Dropped a malformed onEvent: {Message}", EventName = "MalformedNotification")]
    public static partial void MalformedNotification(ILogger logger, string message);

    [LoggerMessage(16, LogLevel.Warning, "Dropped a malformed {EventType} event of {ObjectId}", EventName = "MalformedEvent")]
    public static partial void MalformedEvent(ILogger logger, string eventType, string objectId, Exception exception);

    [LoggerMessage(17, LogLevel.Error, "A handler of {EventType} on {ObjectId} failed", EventName = "EventHandlerFailed")]
    public static partial void EventHandlerFailed(ILogger logger, string eventType, string objectId, Exception exception);

    [LoggerMessage(18, LogLevel.Debug, "No subscription for {EventType} of {ObjectId}", EventName = "EventWithoutSubscriber")]
    public static partial void EventWithoutSubscriber(ILogger logger, string eventType, string objectId);

    [LoggerMessage(19, LogLevel.Debug, "The media server does not know {EventType}; subscribing to {LegacyEventType} of {ObjectId}", EventName = "EventNameFallback")]
    public static partial void EventNameFallback(ILogger logger, string eventType, string legacyEventType, string objectId);

    [LoggerMessage(20, LogLevel.Warning, "Unsubscribing {SubscriptionId} of {ObjectId} failed", EventName = "UnsubscribeFailed")]
    public static partial void UnsubscribeFailed(ILogger logger, string subscriptionId, string objectId, Exception exception);

    [LoggerMessage(21, LogLevel.Error, "A SessionLost handler failed", EventName = "SessionLostHandlerFailed")]
    public static partial void SessionLostHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(35, LogLevel.Error, "A SessionResumed handler failed", EventName = "SessionResumedHandlerFailed")]
    public static partial void SessionResumedHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(22, LogLevel.Debug, "Request {Request} was still queued when the connection closed; sending it on the next connection", EventName = "RequestResent")]
    public static partial void RequestResent(ILogger logger, string request);

    [LoggerMessage(23, LogLevel.Warning, "The release of {ObjectId} has an unknown outcome; it will be sent again when session {SessionId} resumes", EventName = "ReleaseOutcomeUnknown")]
    public static partial void ReleaseOutcomeUnknown(ILogger logger, string objectId, string sessionId);

    [LoggerMessage(24, LogLevel.Error, "Gave up releasing {ObjectId}: more than {Capacity} releases wait for their session to resume", EventName = "UnsettledReleaseEvicted")]
    public static partial void UnsettledReleaseEvicted(ILogger logger, string objectId, int capacity);

    [LoggerMessage(25, LogLevel.Information, "Sending the release of {ObjectId} again on resumed session {SessionId}", EventName = "RetryingRelease")]
    public static partial void RetryingRelease(ILogger logger, string objectId, string sessionId);

    [LoggerMessage(26, LogLevel.Information, "Released {ObjectId} on retry", EventName = "ReleaseRetrySucceeded")]
    public static partial void ReleaseRetrySucceeded(ILogger logger, string objectId);

    [LoggerMessage(27, LogLevel.Information, "{ObjectId} was already gone when its release was sent again", EventName = "ReleaseRetryFoundNothing")]
    public static partial void ReleaseRetryFoundNothing(ILogger logger, string objectId);

    [LoggerMessage(28, LogLevel.Warning, "The media server refused the release of {ObjectId} sent again; giving up on it", EventName = "ReleaseRetryRefused")]
    public static partial void ReleaseRetryRefused(ILogger logger, string objectId, Exception exception);

    [LoggerMessage(29, LogLevel.Warning, "The release of {ObjectId} sent again has an unknown outcome too; it will be sent at the next resume", EventName = "ReleaseRetryUnsettled")]
    public static partial void ReleaseRetryUnsettled(ILogger logger, string objectId, Exception exception);

    [LoggerMessage(30, LogLevel.Information, "Session {SessionId} is lost, and with it every object; {Count} releases with an unknown outcome are forgotten", EventName = "UnsettledReleasesForgotten")]
    public static partial void UnsettledReleasesForgotten(ILogger logger, string sessionId, int count);

    [LoggerMessage(31, LogLevel.Warning, "A reply came after its request was given up, naming {ObjectId}, which nobody holds: releasing it", EventName = "ReleasingOrphan")]
    public static partial void ReleasingOrphan(ILogger logger, string objectId);

    [LoggerMessage(32, LogLevel.Warning, "Releasing {ObjectId}, which a late reply named, failed", EventName = "OrphanReleaseFailed")]
    public static partial void OrphanReleaseFailed(ILogger logger, string objectId, Exception exception);

    [LoggerMessage(33, LogLevel.Warning, "Dropped {Count} events in all: the queue for their handlers is full (the latest: {EventType} of {ObjectId}); raise Kurento:MaxQueuedEvents or find the slow handler", EventName = "EventsDropped")]
    public static partial void EventsDropped(ILogger logger, long count, string eventType, string objectId);

    [LoggerMessage(34, LogLevel.Debug, "Request {Request} (id {RequestId}) was written when the connection dropped; sending it again with its id when the session resumes", EventName = "RequestCut")]
    public static partial void RequestCut(ILogger logger, string request, long requestId);
}
