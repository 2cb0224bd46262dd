using One2One.MediaServer.Rtc.Stun;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// What a receive loop lends the packet path while it handles one datagram: scratch room for a copy or an RTCP
/// translation, room for a STUN answer and, on a UDP worker, the batch its sends join. Owned by that loop's thread
/// and only valid during the call; allocated once per loop.
/// </summary>
internal sealed class PacketContext(UdpSendBatch? batch = null)
{
    /// <summary>As large as a received datagram with <see cref="WebRtcTransport.TailRoom"/> after it.</summary>
    public byte[] Scratch { get; } = GC.AllocateUninitializedArray<byte>(WebRtcTransport.BufferSize + WebRtcTransport.TailRoom, pinned: true);

    public byte[] Response { get; } = new byte[StunWriter.MaxLength];

    /// <summary>The worker's pending sends (null off a UDP worker: sends go out at once).</summary>
    public UdpSendBatch? Batch { get; } = batch;
}
