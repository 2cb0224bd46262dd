using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Rtp;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Benchmarks.Relay;

/// <summary>
/// Where the time of a relay step goes, stage by stage, on the same two endpoints as
/// <see cref="RelayStepBenchmarks"/> but with nothing connected, so that each stage runs alone:
/// <list type="bullet">
/// <item><see cref="Receive"/>: the source's receive path without a sink (demux, ICE address check, SRTP
/// unprotect, RTP parse, payload type lookup, counters);</item>
/// <item><see cref="Rewrite"/>: what the relay does to the header (parse, kind lookup, SSRC and payload type);</item>
/// <item><see cref="Send"/>: the sink transport's send (lock, SRTP protect, sendto);</item>
/// <item><see cref="SendTo"/>: the sendto alone, the same datagram from a plain socket to the sink browser.</item>
/// </list>
/// SRTP protect and unprotect alone are <see cref="Rtc.SrtpProtectBenchmarks"/> and <see cref="Rtc.SrtpUnprotectBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(PacketsPerIteration)]
public class RelayStageBenchmarks
{
    private const int PacketsPerIteration = 16384;

    private RelayPair _pair = null!;
    private PacketRing _ring = null!;
    private ReceiveBuffers _buffers = null!;
    private byte[] _packet = null!;
    private byte[] _datagram = null!;
    private Socket _plain = null!;
    private SocketAddress _sinkBrowser = null!;
    private ushort _sequence;

    [Params("AesCm128HmacSha1_80", "AeadAes128Gcm")]
    public string Profile { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _pair = RelayPair.Create(Enum.Parse<SrtpProfile>(Profile), connect: false);
        _ring = new PacketRing(PacketsPerIteration);
        _buffers = new ReceiveBuffers();
        _packet = GC.AllocateUninitializedArray<byte>(RelayPair.DatagramSlot, pinned: true);
        RelayPair.WriteRtp(_packet, 0);
        RtpHeader.SetSsrc(_packet, _pair.Sink.LocalSsrc(KurentoMediaType.Video));
        _datagram = new byte[RelayPair.DatagramSlot];
        _pair.ProtectNext(_datagram);
        _plain = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _plain.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _sinkBrowser = _pair.SinkBrowser.LocalEndPoint!.Serialize();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 500)
        {
            _buffers.ReceiveNext(_pair);
            Rewrite();
            Send();
            SendTo();
        }

        if (_pair.Source.Transport.Counters.TotalDropped != 0 || _pair.Sink.Transport.Counters.SendFailed != 0)
        {
            throw new InvalidOperationException("A stage failed during the warm-up.");
        }
    }

    [IterationSetup(Target = nameof(Receive))]
    public void ProtectFreshPackets() => _ring.Fill(_pair);

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _plain.Dispose();
        await _pair.DisposeAsync();
    }

    [Benchmark]
    public void Receive()
    {
        var datagram = _ring.Next();
        datagram.CopyTo(_buffers.Receive);
        _buffers.Step(_pair, datagram.Length);
    }

    [Benchmark]
    public bool Rewrite()
    {
        if (!RtpHeader.TryParse(_packet.AsSpan(0, RelayPair.PacketLength), out var header)
            || !_pair.Sink.Negotiated!.TryGetKind(header.PayloadType, out _))
        {
            return false;
        }

        RtpHeader.SetSsrc(_packet, _pair.Sink.LocalSsrc(KurentoMediaType.Video));
        RtpHeader.SetPayloadType(_packet, header.PayloadType);
        return true;
    }

    /// <summary>Each call protects the next sequence number (its payload is the last call's ciphertext; SRTP does not care).</summary>
    [Benchmark]
    public bool Send()
    {
        RtpHeader.SetSequenceNumber(_packet, ++_sequence);
        return _pair.Sink.Transport.TrySendRtp(_packet, RelayPair.PacketLength);
    }

    [Benchmark]
    public int SendTo() => _plain.SendTo(_datagram.AsSpan(0, RelayPair.PacketLength + _pair.SinkBrowserSrtp.RtpOverhead), SocketFlags.None, _sinkBrowser);
}
