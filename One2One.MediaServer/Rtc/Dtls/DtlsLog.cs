using Microsoft.Extensions.Logging;
using One2One.MediaServer.Rtc.Dtls.Records;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// DTLS logging. Routine per-call events are Debug; a failed handshake is Information with its reason and no stack
/// trace (the peer's mistakes are expected); only a bug of ours is a Warning with the exception.
/// </summary>
internal static partial class DtlsLog
{
    [LoggerMessage(EventId = 1, EventName = "DtlsHandshakeStarted", Level = LogLevel.Debug, Message = "DTLS handshake started")]
    public static partial void HandshakeStarted(ILogger logger);

    [LoggerMessage(EventId = 2, EventName = "DtlsHandshakeCompleted", Level = LogLevel.Debug,
        Message = "DTLS handshake completed in {ElapsedMilliseconds:0.#} ms: SRTP profile {Profile}, {CipherSuite}, extended master secret {ExtendedMasterSecret}")]
    public static partial void HandshakeCompleted(ILogger logger, double elapsedMilliseconds, SrtpProfile profile, string cipherSuite, bool extendedMasterSecret);

    [LoggerMessage(EventId = 3, EventName = "DtlsHandshakeFailed", Level = LogLevel.Information, Message = "DTLS handshake failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4, EventName = "DtlsHandshakeCancelled", Level = LogLevel.Debug, Message = "DTLS handshake cancelled")]
    public static partial void HandshakeCancelled(ILogger logger);

    [LoggerMessage(EventId = 5, EventName = "DtlsDatagramDropped", Level = LogLevel.Debug,
        Message = "DTLS datagram of {Length} bytes dropped (queue full, too large or session ended); {Dropped} dropped so far")]
    public static partial void DatagramDropped(ILogger logger, int length, long dropped);

    [LoggerMessage(EventId = 6, EventName = "DtlsAlertSent", Level = LogLevel.Debug, Message = "DTLS alert sent: {Level} {Description} in epoch {Epoch}")]
    public static partial void AlertSent(ILogger logger, DtlsAlertLevel level, DtlsAlertDescription description, ushort epoch);

    [LoggerMessage(EventId = 7, EventName = "DtlsAlertReceived", Level = LogLevel.Debug, Message = "DTLS alert received: {Level} {Description} in epoch {Epoch}")]
    public static partial void AlertReceived(ILogger logger, DtlsAlertLevel level, DtlsAlertDescription description, ushort epoch);

    [LoggerMessage(EventId = 8, EventName = "DtlsClosed", Level = LogLevel.Debug, Message = "DTLS connection closed: {Reason}")]
    public static partial void Closed(ILogger logger, string reason);

    [LoggerMessage(EventId = 9, EventName = "DtlsInternalError", Level = LogLevel.Warning, Message = "DTLS processing failed unexpectedly; the session is ended")]
    public static partial void InternalError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 10, EventName = "DtlsSendFailed", Level = LogLevel.Debug, Message = "DTLS datagram send failed; treated as lost")]
    public static partial void SendFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 11, EventName = "DtlsHandshakeNeverStarted", Level = LogLevel.Debug,
        Message = "DTLS handshake ended before the client sent a ClientHello: {Reason}")]
    public static partial void HandshakeNeverStarted(ILogger logger, string reason);

    [LoggerMessage(EventId = 12, EventName = "DtlsFlightRetransmitted", Level = LogLevel.Debug,
        Message = "DTLS flight retransmitted ({Reason}); {Retransmissions} so far")]
    public static partial void FlightRetransmitted(ILogger logger, string reason, int retransmissions);

    [LoggerMessage(EventId = 13, EventName = "DtlsBadRecordLimitReached", Level = LogLevel.Information,
        Message = "DTLS peer sent more than {Limit} records in a second that fail authentication; epoch 1 records over the limit are dropped unexamined")]
    public static partial void BadRecordLimitReached(ILogger logger, int limit);
}
