using System.Net;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// One worker's socket I/O: waits for datagrams, lends each one out in a buffer with room after it, and sends what
/// the packet path queued while handling them. Used by its worker's thread only.
/// </summary>
internal interface IDatagramIo : IDisposable
{
    /// <summary>
    /// Blocks until at least one datagram is queued, then takes what is there; returns how many (0 when woken
    /// without one: a shut-down socket, an interrupted call or an ICMP report).
    /// </summary>
    int Receive();

    /// <summary>Datagram <paramref name="index"/> of the last <see cref="Receive"/>, with <see cref="WebRtcTransport.TailRoom"/> free after it.</summary>
    Span<byte> Buffer(int index, out int length, out bool truncated);

    /// <summary>Who sent datagram <paramref name="index"/>: a reused object, valid until the next call.</summary>
    SocketAddress Sender(int index);

    /// <summary>Where the packet path queues sends while this worker handles a receive (null: they go out at once).</summary>
    UdpSendBatch? Batch { get; }

    /// <summary>Sends what was queued.</summary>
    void Flush();
}
