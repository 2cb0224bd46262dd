using Microsoft.Extensions.Logging;

namespace One2One.MediaServer.Protocol;

internal static partial class ControlProtocolLog
{
    [LoggerMessage(EventId = 1, EventName = "ConnectionOpened", Level = LogLevel.Debug, Message = "Kurento connection {ConnectionId} opened")]
    public static partial void ConnectionOpened(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 2, EventName = "ConnectionClosed", Level = LogLevel.Debug, Message = "Kurento connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 3, EventName = "ConnectionFailed", Level = LogLevel.Debug, Message = "Kurento connection {ConnectionId} failed: {Reason}")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 4, EventName = "MessageTooLarge", Level = LogLevel.Warning, Message = "Kurento connection {ConnectionId} sent a message over {MaxMessageBytes} bytes; closing it")]
    public static partial void MessageTooLarge(ILogger logger, string connectionId, int maxMessageBytes);

    [LoggerMessage(EventId = 5, EventName = "EventQueueFull", Level = LogLevel.Warning, Message = "Kurento connection {ConnectionId} has {Capacity} frames queued and reads no more; aborting it (its session survives for resumption)")]
    public static partial void EventQueueFull(ILogger logger, string connectionId, int capacity);

    [LoggerMessage(EventId = 6, EventName = "OriginRefused", Level = LogLevel.Warning, Message = "Refused a control WebSocket from a browser page of origin {Origin} (not in MediaServer:AllowedOrigins)")]
    public static partial void OriginRefused(ILogger logger, string origin);

    [LoggerMessage(EventId = 10, EventName = "RequestFailed", Level = LogLevel.Debug, Message = "{Method} failed with {Code}: {Message}")]
    public static partial void RequestFailed(ILogger logger, string method, int code, string message);

    [LoggerMessage(EventId = 11, EventName = "RequestCrashed", Level = LogLevel.Error, Message = "{Method} failed unexpectedly")]
    public static partial void RequestCrashed(ILogger logger, Exception exception, string method);

    [LoggerMessage(EventId = 12, EventName = "RequestRepeated", Level = LogLevel.Debug, Message = "{Method} {RequestId} was sent again (a resumed connection): answered with its first reply")]
    public static partial void RequestRepeated(ILogger logger, string method, string requestId);

    [LoggerMessage(EventId = 20, EventName = "SessionCreated", Level = LogLevel.Information, Message = "Kurento session {SessionId} created")]
    public static partial void SessionCreated(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 21, EventName = "SessionBound", Level = LogLevel.Information, Message = "Kurento session {SessionId} bound to connection {ConnectionId}")]
    public static partial void SessionBound(ILogger logger, string sessionId, string connectionId);

    [LoggerMessage(EventId = 22, EventName = "SessionDetached", Level = LogLevel.Information, Message = "Kurento session {SessionId} has no connection; collected in {Timeout} unless resumed")]
    public static partial void SessionDetached(ILogger logger, string sessionId, TimeSpan timeout);

    [LoggerMessage(EventId = 23, EventName = "SessionClosed", Level = LogLevel.Information, Message = "Kurento session {SessionId} {Reason}; releasing {ObjectCount} objects")]
    public static partial void SessionClosed(ILogger logger, string sessionId, string reason, int objectCount);

    [LoggerMessage(EventId = 24, EventName = "ReleaseFailed", Level = LogLevel.Warning, Message = "Releasing {ObjectId} failed")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string objectId);

    [LoggerMessage(EventId = 25, EventName = "ShutdownReleaseAbandoned", Level = LogLevel.Warning, Message = "The media server stops with sessions or objects not yet released after the host's shutdown timeout; the rest is left to its disposal")]
    public static partial void ShutdownReleaseAbandoned(ILogger logger);
}
