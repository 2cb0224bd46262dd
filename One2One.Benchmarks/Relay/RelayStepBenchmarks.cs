using BenchmarkDotNet.Attributes;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Benchmarks.Relay;

/// <summary>
/// One relay step, synchronously on the benchmark thread: a 1200-byte SRTP video packet from the source
/// browser goes through the source endpoint's receive path (demux, ICE address check, SRTP unprotect, RTP
/// parse, routing, SSRC and payload type rewrite) and out of the sink endpoint's transport (SRTP protect,
/// sendto the sink browser's socket on 127.0.0.1). Copying the datagram into the receive buffer stands in for
/// recvfrom's copy; the receive syscall itself is in the end-to-end figure (relay-load).
/// </summary>
/// <remarks>
/// The sink browser's socket is not read: once its buffer is full the kernel drops the datagram after the
/// whole loopback path, which costs the sender about what a NIC queue would. Unprotect refuses a replay, so
/// each iteration starts with a ring of fresh packets (protected in the untimed setup); the global setup
/// runs the step long enough for tiered compilation to finish first, as the SRTP benchmarks do.
/// </remarks>
[MemoryDiagnoser]
[InvocationCount(PacketsPerIteration)]
public class RelayStepBenchmarks
{
    private const int PacketsPerIteration = 16384;

    private RelayPair _pair = null!;
    private PacketRing _ring = null!;
    private ReceiveBuffers _buffers = null!;

    [Params("AesCm128HmacSha1_80", "AeadAes128Gcm")]
    public string Profile { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _pair = RelayPair.Create(Enum.Parse<SrtpProfile>(Profile));
        _ring = new PacketRing(PacketsPerIteration);
        _buffers = new ReceiveBuffers();

        _buffers.ReceiveNext(_pair);
        _pair.ExpectRelayedPacket();
        _buffers.WarmUp(_pair);
        RelayChecks.ThrowIfAnyDropped(_pair);
    }

    [IterationSetup]
    public void ProtectFreshPackets() => _ring.Fill(_pair);

    [GlobalCleanup]
    public async Task Cleanup()
    {
        RelayChecks.ThrowIfAnyDropped(_pair);
        await _pair.DisposeAsync();
    }

    [Benchmark]
    public void RelayStep()
    {
        var datagram = _ring.Next();
        datagram.CopyTo(_buffers.Receive);
        _buffers.Step(_pair, datagram.Length);
    }
}
