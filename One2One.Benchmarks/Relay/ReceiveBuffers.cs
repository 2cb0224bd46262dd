using One2One.MediaServer.Rtc.Stun;
using One2One.MediaServer.Rtc.Transport;

namespace One2One.Benchmarks.Relay;

/// <summary>The buffers a transport's receive loop owns, for driving its receive path from a benchmark.</summary>
internal sealed class ReceiveBuffers
{
    public byte[] Receive { get; } = GC.AllocateUninitializedArray<byte>(WebRtcTransport.BufferSize + WebRtcTransport.TailRoom, pinned: true);

    public byte[] Scratch { get; } = GC.AllocateUninitializedArray<byte>(WebRtcTransport.BufferSize + WebRtcTransport.TailRoom, pinned: true);

    public byte[] Response { get; } = new byte[StunWriter.MaxLength];

    /// <summary>The source browser's next packet through the source's receive path.</summary>
    public void ReceiveNext(RelayPair pair)
    {
        int length = pair.ProtectNext(Receive);
        pair.Source.Transport.OnDatagram(Receive, length, pair.SourceBrowserAddress, Scratch, Response);
    }

    /// <summary>Half a second of packets, so that the measured iterations run fully optimized code.</summary>
    public void WarmUp(RelayPair pair)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 500)
        {
            ReceiveNext(pair);
        }
    }
}
