namespace One2One.Server.Signaling;

internal static partial class SignalingLog
{
    [LoggerMessage(EventId = 100, EventName = "SendFailed", Level = LogLevel.Warning, Message = "Sending to connection {ConnectionId} failed")]
    public static partial void SendFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 101, EventName = "Connected", Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened")]
    public static partial void Connected(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 102, EventName = "Disconnected", Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed")]
    public static partial void Disconnected(ILogger logger, string connectionId, Exception? exception);

    [LoggerMessage(EventId = 103, EventName = "Aborted", Level = LogLevel.Warning, Message = "Disconnecting connection {ConnectionId} from {Address}: {Reason}")]
    public static partial void Aborted(ILogger logger, string connectionId, string address, string reason);

    [LoggerMessage(EventId = 105, EventName = "InvocationFailed", Level = LogLevel.Error, Message = "Hub method {HubMethod} failed on connection {ConnectionId}")]
    public static partial void InvocationFailed(ILogger logger, string hubMethod, string connectionId, Exception exception);

    [LoggerMessage(EventId = 106, EventName = "DisconnectFailed", Level = LogLevel.Error, Message = "Letting go of closed connection {ConnectionId} failed")]
    public static partial void DisconnectFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 108, EventName = "OriginRefused", Level = LogLevel.Warning,
        Message = "A hub connection from a page of {Origin} was refused (Host {Host}, X-Forwarded-Host {ForwardedHost}): only this server's own pages and Hub:AllowedOrigins may connect. List the origin if an app of yours connects from there; behind a proxy, have it pass the Host the browser asked for (nginx: proxy_set_header Host $http_host) or X-Forwarded-Host")]
    public static partial void OriginRefused(ILogger logger, string origin, string host, string forwardedHost);

    [LoggerMessage(EventId = 107, EventName = "OriginRefusedAgain", Level = LogLevel.Debug, Message = "A hub connection from a page of {Origin} was refused (Host {Host})")]
    public static partial void OriginRefusedAgain(ILogger logger, string origin, string host);
}
