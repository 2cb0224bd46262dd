using System.Net;
using One2One.MediaServer.Rtc.Ice;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// Where a transport's datagrams go out: the shared UDP port (to any remote address) or one ICE-TCP connection (to
/// its one remote, framed per RFC 4571). Thread-safe; never blocks the caller on the network.
/// </summary>
internal interface IMediaLink : IIceLink
{
    /// <summary>
    /// Sends (or, on a UDP worker's own port, queues for the worker's next batch) a copy of <paramref name="datagram"/>.
    /// False when it was not sent; a queued datagram that the kernel later refuses is counted in <paramref name="counters"/>.
    /// </summary>
    bool TrySend(ReadOnlySpan<byte> datagram, SocketAddress to, PacketContext? context, TransportCounters counters);
}
