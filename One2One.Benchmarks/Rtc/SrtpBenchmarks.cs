using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Benchmarks.Rtc;

/// <summary>The relay's per-packet SRTP work on a 1200-byte RTP packet (12-byte header, 1188-byte payload).</summary>
internal static class SrtpBenchmarkPackets
{
    public const int PacketLength = 1200;
    public const uint Ssrc = 0x1234_5678;

    public static SrtpContext Context(string profileName)
    {
        var profile = Enum.Parse<SrtpProfile>(profileName);
        var key = new byte[profile.MasterKeyLength()];
        var salt = new byte[profile.MasterSaltLength()];
        new Random(42).NextBytes(key);
        new Random(43).NextBytes(salt);
        return SrtpContext.Create(profile, key, salt);
    }

    /// <summary>A packet buffer with room for the largest tag.</summary>
    public static byte[] NewPacket()
    {
        var packet = new byte[PacketLength + 16];
        packet[0] = 0x80;
        packet[1] = 96;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), Ssrc);
        new Random(44).NextBytes(packet.AsSpan(12, PacketLength - 12));
        return packet;
    }
}

[MemoryDiagnoser]
public class SrtpProtectBenchmarks
{
    private SrtpContext _sender = null!;
    private byte[] _packet = null!;
    private ushort _sequence;

    [Params("AesCm128HmacSha1_80", "AeadAes128Gcm")]
    public string Profile { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _sender = SrtpBenchmarkPackets.Context(Profile);
        _packet = SrtpBenchmarkPackets.NewPacket();
    }

    [GlobalCleanup]
    public void Cleanup() => _sender.Dispose();

    /// <summary>Each call protects the next sequence number (its payload is the last call's ciphertext; SRTP does not care).</summary>
    [Benchmark]
    public bool Protect()
    {
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), ++_sequence);
        return _sender.TryProtectRtp(_packet, SrtpBenchmarkPackets.PacketLength, out _);
    }
}

/// <summary>
/// Unprotect refuses a replay, so every call needs a packet not seen before: each iteration starts
/// with a ring of freshly protected packets (made in the untimed setup) and each call unprotects the
/// next one in place. A fixed invocation count skips BenchmarkDotNet's pilot stage, and the short
/// iterations would end before tiered compilation optimizes the unprotect path, so the global setup
/// runs that path long enough first.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(PacketsPerIteration)]
public class SrtpUnprotectBenchmarks
{
    private const int PacketsPerIteration = 2048;

    private SrtpContext _sender = null!;
    private SrtpContext _receiver = null!;
    private byte[][] _ring = null!;
    private int[] _lengths = null!;
    private int _next;
    private ushort _sequence;

    [Params("AesCm128HmacSha1_80", "AeadAes128Gcm")]
    public string Profile { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _sender = SrtpBenchmarkPackets.Context(Profile);
        _receiver = SrtpBenchmarkPackets.Context(Profile);
        _ring = new byte[PacketsPerIteration][];
        _lengths = new int[PacketsPerIteration];
        for (int i = 0; i < _ring.Length; i++)
        {
            _ring[i] = SrtpBenchmarkPackets.NewPacket();
        }

        WarmUp();
    }

    private void WarmUp()
    {
        using var sender = SrtpBenchmarkPackets.Context(Profile);
        using var receiver = SrtpBenchmarkPackets.Context(Profile);
        var packet = SrtpBenchmarkPackets.NewPacket();
        ushort sequence = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 500)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), ++sequence);
            sender.TryProtectRtp(packet, SrtpBenchmarkPackets.PacketLength, out int length);
            receiver.TryUnprotectRtp(packet.AsSpan(0, length), out _);
        }
    }

    [IterationSetup]
    public void ProtectFreshPackets()
    {
        for (int i = 0; i < _ring.Length; i++)
        {
            var packet = _ring[i];
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), ++_sequence);
            if (!_sender.TryProtectRtp(packet, SrtpBenchmarkPackets.PacketLength, out _lengths[i]))
            {
                throw new InvalidOperationException("Protect failed.");
            }
        }

        _next = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark]
    public bool Unprotect()
    {
        int i = _next++;
        return _receiver.TryUnprotectRtp(_ring[i].AsSpan(0, _lengths[i]), out _);
    }
}
