using CsCheck;
using One2One.MediaServer.Rtc.Rtp;
using One2One.Tests.Fuzz.Support;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Rtp;
using One2One.Tests.MediaServer.Rtc.Srtp;
using One2One.Tests.Support;
using Packets = One2One.Tests.MediaServer.Rtc.Rtp.RtcpTestPackets;

namespace One2One.Tests.Fuzz;

/// <summary>
/// Mutated RTP packets and RTCP compounds through the header parser, the compound enumerator (every accessor of every
/// packet) and the relay's RTCP translator: nothing throws, every accessor stays within the bytes, and what the
/// translator writes is itself a valid compound no longer than its input. What the writers write, the parsers read back.
/// </summary>
[Trait("Category", "Fuzz")]
[Collection(CpuHeavyCollection.Name)]
public sealed class RtpRtcpFuzzTests
{
    private const uint Audio = 0x1111_1111;
    private const uint Video = 0x2222_2222;
    private const uint Rtx = 0x3333_3333;
    private const uint Peer = 0x4444_4444;

    private static readonly byte[][] Rtcp =
    [
        Packets.Compound(Packets.SenderReport(Audio, Peer), Packets.SourceDescription((Audio, "cname-a"), (Video, "cname-a"))),
        Packets.Compound(Packets.ReceiverReport(Peer, Audio, Video), Packets.SourceDescription((Peer, "x")), Packets.Remb(Peer, 3, 40000, Audio, Video)),
        Packets.Compound(Packets.ReceiverReport(Peer), Packets.GenericNack(Peer, Video, (100, 0x0003), (200, 0))),
        Packets.Compound(Packets.PictureLossIndication(Peer, Video), Packets.FullIntraRequest(Peer, (Video, 7), (Rtx, 8))),
        Packets.Compound(Packets.TransportWideCc(Peer, Video), Packets.Goodbye("bye now", Audio, Video), Packets.Application(Peer)),
        Padded(Packets.PictureLossIndication(Peer, Video), 4),
        Padded(Packets.ReceiverReport(Peer, Audio), 8),
        Written(b => RtcpWriter.WriteFullIntraRequest(b, Peer, Video, 9)),
        Written(b => RtcpWriter.WriteSourceDescription(b, Audio, "a-cname-of-some-length"u8)),
    ];

    private static readonly byte[][] Rtp =
    [
        RtpPackets.Build(111, 1000, 48000, Audio, marker: true, [1, 2, 3, 4, 5]),
        SrtpTestPackets.PlainRtp(Video, 65535, 40),
        CsrcsPaddingAndExtension(),
        [0x80, 96, 0, 1, 0, 0, 0, 1, 0x22, 0x22, 0x22, 0x22],
    ];

    [Fact]
    public void Mutated_RTCP_is_read_within_its_bytes_and_translated_into_a_valid_compound_or_nothing()
    {
        var forward = Map((Audio, 0xA0A0_A0A0), (Video, 0xB0B0_B0B0), (Rtx, 0xC0C0_C0C0));
        var back = Map((Audio, 0xA1A1_A1A1), (Video, 0xB1B1_B1B1), (Peer, 0xD1D1_D1D1));
        FuzzRun.Bytes("RTCP", Rtcp, compound =>
        {
            var valid = RtcpCompound.IsValid(compound);
            var enumerator = RtcpCompound.Enumerate(compound);
            while (enumerator.MoveNext())
            {
                ReadEverything(enumerator.Current);
            }

            (!enumerator.IsMalformed && compound.Length > 0).Should().Be(valid);

            var output = new byte[compound.Length];
            foreach (var (map, reporter) in new[] { (forward, (uint?)null), (back, 0x5555_5555u) })
            {
                var length = RtcpTranslator.Translate(compound, output, map, reporter);
                length.Should().BeInRange(0, compound.Length);
                if (length > 0)
                {
                    valid.Should().BeTrue("only a valid compound is translated");
                    RtcpCompound.IsValid(output.AsSpan(0, length)).Should().BeTrue(
                        $"the translation of a valid compound is a valid compound: {Mutator.Hex(output.AsSpan(0, length))}");
                }
            }
        });
    }

    [Fact]
    public void Mutated_RTP_headers_are_read_within_their_bytes_and_classified()
    {
        FuzzRun.Bytes("RTP", [.. Rtp, .. Rtcp], packet =>
        {
            _ = RtcDemux.Classify(packet);
            if (!RtpHeader.TryParse(packet, out var header))
            {
                return;
            }

            header.CsrcCount.Should().BeInRange(0, 15);
            header.PayloadType.Should().BeLessThan(128);
            header.Length.Should().BeInRange(RtpHeader.FixedLength + (4 * header.CsrcCount), packet.Length);
        });
    }

    [Fact]
    public void What_the_RTP_and_RTCP_writers_write_the_parsers_read_back()
    {
        var rewrites = Gen.Select(Gen.Int[0, Rtp.Length - 1], Gen.UInt, Gen.Byte[0, 127], Gen.UShort);
        SeededCheck.Run("RTP header rewrite round trip", rewrites, r =>
        {
            var (index, ssrc, payloadType, sequence) = r;
            var packet = (byte[])Rtp[index].Clone();
            RtpHeader.TryParse(packet, out var before).Should().BeTrue();
            RtpHeader.SetSsrc(packet, ssrc);
            RtpHeader.SetPayloadType(packet, payloadType);
            RtpHeader.SetSequenceNumber(packet, sequence);
            RtpHeader.TryParse(packet, out var after).Should().BeTrue();
            (after.Ssrc, after.PayloadType, after.SequenceNumber).Should().Be((ssrc, payloadType, sequence));
            (after.Marker, after.Timestamp, after.Length, after.CsrcCount).Should().Be((before.Marker, before.Timestamp, before.Length, before.CsrcCount));
        }, r => r.ToString(), FuzzRun.Settings());

        var feedback = Gen.Select(Gen.UInt, Gen.UInt, Gen.Byte, Gen.Byte.Array[0, 255]);
        SeededCheck.Run("RTCP writer round trip", feedback, f =>
        {
            var (sender, media, sequence, cname) = f;
            var buffer = new byte[1024];
            var length = RtcpWriter.WriteReceiverReport(buffer, sender);
            length += RtcpWriter.WriteSourceDescription(buffer.AsSpan(length), sender, cname);
            length += RtcpWriter.WritePictureLossIndication(buffer.AsSpan(length), sender, media);
            length += RtcpWriter.WriteFullIntraRequest(buffer.AsSpan(length), sender, media, sequence);

            var packets = RtcpCompound.Enumerate(buffer.AsSpan(0, length));
            packets.MoveNext().Should().BeTrue();
            (packets.Current.Kind, packets.Current.SenderSsrc, packets.Current.ReportBlockCount).Should().Be((RtcpPacketKind.ReceiverReport, sender, 0));
            packets.MoveNext().Should().BeTrue();
            packets.Current.Kind.Should().Be(RtcpPacketKind.SourceDescription);
            var chunks = packets.Current.SdesChunks;
            chunks.MoveNext().Should().BeTrue();
            chunks.Current.Ssrc.Should().Be(sender);
            chunks.Current.TryGetItem(RtcpSdesChunk.CnameItem, out var readCname).Should().BeTrue();
            readCname.ToArray().Should().Equal(cname);
            packets.MoveNext().Should().BeTrue();
            (packets.Current.Kind, packets.Current.SenderSsrc, packets.Current.MediaSsrc).Should().Be((RtcpPacketKind.PictureLossIndication, sender, media));
            packets.MoveNext().Should().BeTrue();
            (packets.Current.Kind, packets.Current.SenderSsrc, packets.Current.FirCount).Should().Be((RtcpPacketKind.FullIntraRequest, sender, 1));
            packets.Current.GetFir(0).Should().Be((media, sequence));
            packets.MoveNext().Should().BeFalse();
            packets.IsMalformed.Should().BeFalse();
        }, f => $"{f.Item1} {f.Item2} {f.Item3} {Convert.ToHexString(f.Item4)}", FuzzRun.Settings());
    }

    private static void ReadEverything(RtcpPacket packet)
    {
        _ = (packet.Length, packet.Kind, packet.PacketType, packet.Format, packet.Content.Length, packet.SenderSsrc, packet.MediaSsrc,
            packet.SenderInfo, packet.RembBitrate, packet.GoodbyeReason.Length);
        for (var i = 0; i < packet.ReportBlockCount; i++)
        {
            _ = packet.GetReportBlock(i);
        }

        for (var i = 0; i < packet.NackCount; i++)
        {
            _ = packet.GetNack(i);
        }

        for (var i = 0; i < packet.FirCount; i++)
        {
            _ = packet.GetFir(i);
        }

        for (var i = 0; i < packet.RembSsrcCount; i++)
        {
            _ = packet.GetRembSsrc(i);
        }

        for (var i = 0; i < packet.GoodbyeSsrcCount; i++)
        {
            _ = packet.GetGoodbyeSsrc(i);
        }

        foreach (var chunk in packet.SdesChunks)
        {
            _ = chunk.Ssrc;
            _ = chunk.TryGetItem(RtcpSdesChunk.CnameItem, out _);
            _ = chunk.TryGetItem(0xFF, out _);
        }
    }

    private static SsrcMap Map(params (uint From, uint To)[] pairs)
    {
        var map = new SsrcMap();
        foreach (var (from, to) in pairs)
        {
            map.TrySet(from, to);
        }

        return map;
    }

    /// <summary>The single packet with the P bit set and <paramref name="padding"/> octets of padding (RFC 3550 §6.4.1).</summary>
    private static byte[] Padded(byte[] packet, int padding)
    {
        var padded = new byte[packet.Length + padding];
        packet.CopyTo(padded, 0);
        padded[0] |= 0x20;
        padded[^1] = (byte)padding;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(padded.AsSpan(2), (ushort)((padded.Length / 4) - 1));
        return padded;
    }

    private static byte[] CsrcsPaddingAndExtension()
    {
        // V=2, P, X, CC=2; two CSRCs; a two-word extension; 3 bytes of payload and 4 of padding.
        byte[] packet = [0xB2, 0x60, 0x12, 0x34, 0, 0, 0x10, 0, 0x22, 0x22, 0x22, 0x22, 0, 0, 0, 1, 0, 0, 0, 2, 0xBE, 0xDE, 0, 2, 0x10, 0xAA, 0, 0, 0, 0, 0, 0, 9, 9, 9, 0, 0, 0, 4];
        return packet;
    }

    private static byte[] Written(SpanWriter write)
    {
        var buffer = new byte[512];
        return buffer[..write(buffer)];
    }

    private delegate int SpanWriter(Span<byte> buffer);
}
