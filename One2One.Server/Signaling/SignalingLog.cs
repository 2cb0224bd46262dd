namespace One2One.Server.Signaling;

internal static partial class SignalingLog
{
    [LoggerMessage(EventId = 100, EventName = "SendFailed", Level = LogLevel.Warning, Message = "Sending to connection {ConnectionId} failed")]
    public static partial void SendFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 101, EventName = "Connected", Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened")]
    public static partial void Connected(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 102, EventName = "Disconnected", Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed")]
    public static partial void Disconnected(ILogger logger, string connectionId, Exception? exception);
}
