using Microsoft.Extensions.Logging;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.MediaServer.Rtc.Dtls;

internal static partial class DtlsLog
{
    [LoggerMessage(EventId = 1, EventName = "DtlsHandshakeStarted", Level = LogLevel.Debug, Message = "DTLS handshake started")]
    public static partial void HandshakeStarted(ILogger logger);

    [LoggerMessage(EventId = 2, EventName = "DtlsHandshakeCompleted", Level = LogLevel.Information,
        Message = "DTLS handshake completed: SRTP profile {Profile}, cipher suite 0x{CipherSuite:X4}")]
    public static partial void HandshakeCompleted(ILogger logger, SrtpProfile profile, int cipherSuite);

    [LoggerMessage(EventId = 3, EventName = "DtlsHandshakeFailed", Level = LogLevel.Warning, Message = "DTLS handshake failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(EventId = 4, EventName = "DtlsHandshakeCancelled", Level = LogLevel.Debug, Message = "DTLS handshake cancelled")]
    public static partial void HandshakeCancelled(ILogger logger);

    [LoggerMessage(EventId = 5, EventName = "DtlsDatagramDropped", Level = LogLevel.Debug,
        Message = "DTLS datagram of {Length} bytes dropped (queue full, too large or session ended); {Dropped} dropped so far")]
    public static partial void DatagramDropped(ILogger logger, int length, long dropped);

    [LoggerMessage(EventId = 6, EventName = "DtlsAlertSent", Level = LogLevel.Debug, Message = "DTLS alert sent: {Level} {Description} ({Detail})")]
    public static partial void AlertSent(ILogger logger, string level, string description, string? detail);

    [LoggerMessage(EventId = 7, EventName = "DtlsAlertReceived", Level = LogLevel.Debug, Message = "DTLS alert received: {Level} {Description}")]
    public static partial void AlertReceived(ILogger logger, string level, string description);

    [LoggerMessage(EventId = 8, EventName = "DtlsClosed", Level = LogLevel.Information, Message = "DTLS connection closed by the peer or an alert")]
    public static partial void Closed(ILogger logger);

    [LoggerMessage(EventId = 9, EventName = "DtlsRecordFailed", Level = LogLevel.Warning, Message = "DTLS record processing after the handshake failed")]
    public static partial void RecordFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 10, EventName = "DtlsSendFailed", Level = LogLevel.Debug, Message = "DTLS datagram send failed; treated as lost")]
    public static partial void SendFailed(ILogger logger, Exception exception);
}
