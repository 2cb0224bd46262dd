using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.MediaServer.Rtc.Transport;

internal static partial class TransportLog
{
    [LoggerMessage(EventId = 700, EventName = "ReceiveFailed", Level = LogLevel.Warning, Message = "UDP port {Port}: a media worker's receive failed; it goes on after a pause (logged at most once a second)")]
    public static partial void ReceiveFailed(ILogger logger, int port, Exception exception);

    [LoggerMessage(EventId = 701, EventName = "DatagramFailed", Level = LogLevel.Error, Message = "UDP port {Port}: a datagram could not be handled")]
    public static partial void DatagramFailed(ILogger logger, int port, Exception exception);

    [LoggerMessage(EventId = 702, EventName = "HandshakeFailed", Level = LogLevel.Debug, Message = "Transport {Ufrag}: DTLS handshake failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, string ufrag, string reason);

    [LoggerMessage(EventId = 703, EventName = "Secured", Level = LogLevel.Debug, Message = "Transport {Ufrag}: DTLS done, SRTP {Profile}")]
    public static partial void Secured(ILogger logger, string ufrag, SrtpProfile profile);

    [LoggerMessage(EventId = 704, EventName = "Listening", Level = LogLevel.Information, Message = "Media on {Address}: UDP port {UdpPort}, ICE-TCP port {TcpPort}, {Workers} workers, batches of {Batch}; SRTP's AES is {Aes}")]
    public static partial void Listening(ILogger logger, string address, int udpPort, string tcpPort, int workers, int batch, string aes);

    [LoggerMessage(EventId = 705, EventName = "IceRestarted", Level = LogLevel.Debug, Message = "Transport {Ufrag}: ICE restarted, new DTLS association: {NewDtls}")]
    public static partial void IceRestarted(ILogger logger, string ufrag, bool newDtls);

    [LoggerMessage(EventId = 706, EventName = "WorkerAbandoned", Level = LogLevel.Error, Message = "UDP port {Port}: media worker {Worker} did not stop within {Wait}; its thread is left to end with the process")]
    public static partial void WorkerAbandoned(ILogger logger, int port, string worker, TimeSpan wait);

    [LoggerMessage(EventId = 707, EventName = "PathEvicted", Level = LogLevel.Debug, Message = "Transport {Ufrag}: the {Protocol} path to {Remote}, checked least recently, made room for a new one")]
    public static partial void PathEvicted(ILogger logger, string ufrag, IceProtocol protocol, System.Net.IPEndPoint remote);

    [LoggerMessage(EventId = 708, EventName = "IceTcpSendStalled", Level = LogLevel.Debug, Message = "ICE-TCP connection from {Remote} closed: the browser took none of the {Queued} bytes queued for it in {Timeout}")]
    public static partial void IceTcpSendStalled(ILogger logger, System.Net.IPEndPoint remote, int queued, TimeSpan timeout);

    [LoggerMessage(EventId = 709, EventName = "FrameFailed", Level = LogLevel.Error, Message = "ICE-TCP connection from {Remote}: a frame could not be handled")]
    public static partial void FrameFailed(ILogger logger, System.Net.IPEndPoint remote, Exception exception);
}
