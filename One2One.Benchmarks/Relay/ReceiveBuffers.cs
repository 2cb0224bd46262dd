using One2One.MediaServer.Rtc.Transport;

namespace One2One.Benchmarks.Relay;

/// <summary>The buffers a media worker owns, for driving a transport's receive path from a benchmark.</summary>
internal sealed class ReceiveBuffers
{
    public byte[] Receive { get; } = GC.AllocateUninitializedArray<byte>(WebRtcTransport.BufferSize + WebRtcTransport.TailRoom, pinned: true);

    /// <summary>A worker's scratch and answer buffers, without a send batch: the step's send is one sendto.</summary>
    public PacketContext Context { get; } = new();

    /// <summary>The source browser's next packet through the source's receive path.</summary>
    public void ReceiveNext(RelayPair pair)
    {
        int length = pair.ProtectNext(Receive);
        Step(pair, length);
    }

    /// <summary>The datagram in <see cref="Receive"/> through the source's receive path, as a worker hands it over.</summary>
    public void Step(RelayPair pair, int length) =>
        pair.Source.Transport.OnDatagram(Receive, length, pair.Ports.Udp, pair.SourceBrowserAddress, pair.SourceBrowserKey, Context);

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
