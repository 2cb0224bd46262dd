using One2One.MediaServer.Rtc.Srtp;

namespace One2One.MediaServer.Rtc.Transport;

internal static partial class TransportLog
{
    [LoggerMessage(EventId = 700, EventName = "ReceiveFailed", Level = LogLevel.Warning, Message = "UDP port {Port}: the receive loop stopped")]
    public static partial void ReceiveFailed(ILogger logger, int port, Exception exception);

    [LoggerMessage(EventId = 701, EventName = "DatagramFailed", Level = LogLevel.Error, Message = "UDP port {Port}: a datagram could not be handled")]
    public static partial void DatagramFailed(ILogger logger, int port, Exception exception);

    [LoggerMessage(EventId = 702, EventName = "HandshakeFailed", Level = LogLevel.Warning, Message = "UDP port {Port}: DTLS handshake failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, int port, string reason);

    [LoggerMessage(EventId = 703, EventName = "Secured", Level = LogLevel.Debug, Message = "UDP port {Port}: DTLS done, SRTP {Profile}")]
    public static partial void Secured(ILogger logger, int port, SrtpProfile profile);
}
