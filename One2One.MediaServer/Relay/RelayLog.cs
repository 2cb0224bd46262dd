using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Relay;

internal static partial class RelayLog
{
    [LoggerMessage(EventId = 800, EventName = "Negotiated", Level = LogLevel.Debug, Message = "Endpoint {EndpointId}: offer processed, media on the shared UDP port {Port}")]
    public static partial void Negotiated(ILogger logger, string endpointId, int port);

    [LoggerMessage(EventId = 801, EventName = "SsrcLearned", Level = LogLevel.Debug, Message = "Endpoint {EndpointId}: the browser sends {Kind} as SSRC {Ssrc}")]
    public static partial void SsrcLearned(ILogger logger, string endpointId, KurentoMediaType kind, uint ssrc);

    [LoggerMessage(EventId = 802, EventName = "ConsentExpired", Level = LogLevel.Debug, Message = "Endpoint {EndpointId}: no ICE consent check for 30 s; the connection failed")]
    public static partial void ConsentExpired(ILogger logger, string endpointId);

    [LoggerMessage(EventId = 803, EventName = "IceRestarted", Level = LogLevel.Debug, Message = "Endpoint {EndpointId}: ICE restart accepted (new connection, so a new DTLS handshake: {NewConnection})")]
    public static partial void IceRestarted(ILogger logger, string endpointId, bool newConnection);
}
