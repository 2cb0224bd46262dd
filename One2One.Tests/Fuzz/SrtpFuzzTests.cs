using One2One.MediaServer.Rtc.Srtp;
using One2One.Tests.Fuzz.Support;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Srtp;

using One2One.Tests.Support;

namespace One2One.Tests.Fuzz;

/// <summary>
/// Mutated SRTP and SRTCP packets of every profile through unprotect: nothing throws, nothing but a packet we
/// protected authenticates, and a context fed garbage still unprotects the genuine packet afterwards.
/// </summary>
[Trait("Category", "Fuzz")]
[Collection(CpuHeavyCollection.Name)]
public sealed class SrtpFuzzTests
{
    private static readonly Protected[] Packets = [.. new[] { 0x0001, 0x0002, 0x0007 }.SelectMany(ProtectedPackets)];
    private static readonly byte[][] Corpus = [.. Packets.Select(p => p.Bytes)];

    [Fact]
    public void Only_packets_we_protected_unprotect_and_garbage_leaves_the_context_working()
    {
        FuzzRun.Bytes("SRTP unprotect", Corpus, (index, mutated) =>
        {
            var genuine = Packets[index];
            using var inbound = SrtpTestPackets.Context(genuine.Profile);

            var asRtp = (byte[])mutated.Clone();
            var rtpAccepted = inbound.TryUnprotectRtp(asRtp, out var rtpLength);
            var asRtcp = (byte[])mutated.Clone();
            var rtcpAccepted = inbound.TryUnprotectRtcp(asRtcp, out var rtcpLength);
            if (rtpAccepted || rtcpAccepted)
            {
                var original = Packets.Single(p => p.Profile == genuine.Profile && p.Bytes.AsSpan().SequenceEqual(mutated));
                original.IsRtcp.Should().Be(rtcpAccepted, "an SRTP packet never authenticates as SRTCP, nor the other way round");
                (rtcpAccepted ? asRtcp[..rtcpLength] : asRtp[..rtpLength]).Should().Equal(original.Plain);
            }

            var again = (byte[])genuine.Bytes.Clone();
            var replayed = (genuine.IsRtcp ? rtcpAccepted : rtpAccepted) && mutated.AsSpan().SequenceEqual(genuine.Bytes);
            var accepted = genuine.IsRtcp ? inbound.TryUnprotectRtcp(again, out var length) : inbound.TryUnprotectRtp(again, out length);
            accepted.Should().Be(!replayed, replayed ? "the same packet twice is a replay" : "garbage must not disturb a genuine packet");
            if (accepted)
            {
                again[..length].Should().Equal(genuine.Plain);
            }
        });
    }

    /// <summary>One packet per SSRC: a fresh context takes the first packet of an SSRC at rollover counter 0 (RFC 3711 §3.3.1).</summary>
    private static IEnumerable<Protected> ProtectedPackets(int profile)
    {
        using var outbound = SrtpTestPackets.Context(profile);
        byte[][] rtp =
        [
            SrtpTestPackets.PlainRtp(0x1111_1111, 1, 160, seed: 1),
            SrtpTestPackets.PlainRtp(0x2222_2222, 65535, 40, seed: 2),
            [.. RtpPackets.Build(96, 7, 90000, 0x3333_3333, marker: true, [9, 8, 7, 6, 5, 4, 3]), .. new byte[64]],
        ];
        foreach (var plain in rtp)
        {
            var length = plain.Length - 64;
            yield return new Protected(profile, false, SrtpTestPackets.ProtectRtp(outbound, plain, length), plain[..length]);
        }

        var rtcp = SrtpTestPackets.PlainRtcp(0x1111_1111, seed: 3);
        yield return new Protected(profile, true, SrtpTestPackets.ProtectRtcp(outbound, rtcp, 32), rtcp[..32]);
    }

    private sealed record Protected(int Profile, bool IsRtcp, byte[] Bytes, byte[] Plain);
}
