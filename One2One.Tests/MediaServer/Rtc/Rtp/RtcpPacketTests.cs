using System.Text;
using One2One.MediaServer.Rtc.Rtp;
using static One2One.Tests.MediaServer.Rtc.Rtp.RtcpTestPackets;

namespace One2One.Tests.MediaServer.Rtc.Rtp;

public class RtcpPacketTests
{
    [Fact]
    public void A_sender_report_reads_back_with_its_sender_info_and_blocks()
    {
        var bytes = SenderReport(0xA1, 0xB1);

        RtcpPacket.TryRead(bytes, out var packet).Should().BeTrue();

        packet.Kind.Should().Be(RtcpPacketKind.SenderReport);
        packet.Length.Should().Be(52);
        packet.SenderSsrc.Should().Be(0xA1u);
        packet.SenderInfo.Should().Be(new RtcpSenderInfo(0xE123456789ABCDEF, 123456, 1000, 160000));
        packet.ReportBlockCount.Should().Be(1);
        packet.GetReportBlock(0).Should().Be(new RtcpReportBlock(0xB1, 0x10, -2, 0x0001_00B1, 77, 0xAABBCCDD, 0x00010000));
    }

    [Fact]
    public void Every_kind_of_a_compound_is_recognised_in_order()
    {
        var compound = Compound(
            ReceiverReport(0xB1, 0xA1, 0xA2),
            SourceDescription((0xB1, "browser-b"), (0xB2, "other")),
            Goodbye("left", 0xB1, 0xB2),
            GenericNack(0xB1, 0xA1, (100, 0x0003), (200, 0)),
            TransportWideCc(0xB1, 0xA1),
            PictureLossIndication(0xB1, 0xA2),
            FullIntraRequest(0xB1, (0xA1, 9), (0xA2, 10)),
            Remb(0xB1, 3, 0x3FFFF, 0xA1, 0xA2),
            Application(0xB1));

        RtcpCompound.IsValid(compound).Should().BeTrue();
        var kinds = new List<RtcpPacketKind>();
        foreach (var packet in RtcpCompound.Enumerate(compound))
        {
            kinds.Add(packet.Kind);
            switch (packet.Kind)
            {
                case RtcpPacketKind.ReceiverReport:
                    packet.SenderSsrc.Should().Be(0xB1u);
                    packet.ReportBlockCount.Should().Be(2);
                    packet.GetReportBlock(1).Ssrc.Should().Be(0xA2u);
                    break;
                case RtcpPacketKind.SourceDescription:
                    var ssrcs = new List<uint>();
                    foreach (var chunk in packet.SdesChunks)
                    {
                        ssrcs.Add(chunk.Ssrc);
                        if (chunk.Ssrc == 0xB1)
                        {
                            chunk.TryGetItem(RtcpSdesChunk.CnameItem, out var cname).Should().BeTrue();
                            Encoding.ASCII.GetString(cname).Should().Be("browser-b");
                        }
                    }

                    ssrcs.Should().Equal(0xB1u, 0xB2u);
                    break;
                case RtcpPacketKind.Goodbye:
                    packet.GoodbyeSsrcCount.Should().Be(2);
                    packet.GetGoodbyeSsrc(1).Should().Be(0xB2u);
                    Encoding.ASCII.GetString(packet.GoodbyeReason).Should().Be("left");
                    break;
                case RtcpPacketKind.GenericNack:
                    packet.MediaSsrc.Should().Be(0xA1u);
                    packet.NackCount.Should().Be(2);
                    packet.GetNack(0).Should().Be(((ushort)100, (ushort)3));
                    packet.GetNack(1).Should().Be(((ushort)200, (ushort)0));
                    break;
                case RtcpPacketKind.TransportWideCc:
                    packet.MediaSsrc.Should().Be(0xA1u);
                    break;
                case RtcpPacketKind.PictureLossIndication:
                    packet.SenderSsrc.Should().Be(0xB1u);
                    packet.MediaSsrc.Should().Be(0xA2u);
                    break;
                case RtcpPacketKind.FullIntraRequest:
                    packet.FirCount.Should().Be(2);
                    packet.GetFir(1).Should().Be((0xA2u, (byte)10));
                    break;
                case RtcpPacketKind.Remb:
                    packet.RembBitrate.Should().Be(0x3FFFFul << 3);
                    packet.RembSsrcCount.Should().Be(2);
                    packet.GetRembSsrc(0).Should().Be(0xA1u);
                    break;
            }
        }

        kinds.Should().Equal(
            RtcpPacketKind.ReceiverReport, RtcpPacketKind.SourceDescription, RtcpPacketKind.Goodbye,
            RtcpPacketKind.GenericNack, RtcpPacketKind.TransportWideCc, RtcpPacketKind.PictureLossIndication,
            RtcpPacketKind.FullIntraRequest, RtcpPacketKind.Remb, RtcpPacketKind.Other);
    }

    [Fact]
    public void A_remb_bitrate_past_64_bits_saturates()
    {
        RtcpPacket.TryRead(Remb(1, 63, 0x3FFFF, 2), out var packet).Should().BeTrue();

        packet.RembBitrate.Should().Be(ulong.MaxValue);
    }

    [Fact]
    public void Padding_on_the_last_packet_is_not_content()
    {
        var bytes = PictureLossIndication(1, 2).Concat(new byte[] { 0, 0, 0, 4 }).ToArray();
        bytes[0] |= 0x20;
        bytes[3] = 3;

        RtcpPacket.TryRead(bytes, out var packet).Should().BeTrue();

        packet.Length.Should().Be(16);
        packet.Content.Length.Should().Be(12);
        packet.Kind.Should().Be(RtcpPacketKind.PictureLossIndication);
    }

    public static TheoryData<byte[], string> Malformed => new()
    {
        { [0x80, 201, 0, 1, 0, 0, 0], "shorter than its length" },
        { [0x40, 201, 0, 1, 0, 0, 0, 1], "version 1" },
        { [0xA0, 201, 0, 1, 0, 0, 0, 0], "padding count 0" },
        { [0xA0, 201, 0, 1, 0, 0, 0, 9], "padding count past the packet" },
        { [0xA0, 201, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3], "padding count that leaves the body unaligned" },
        { [0x81, 201, 0, 1, 0, 0, 0, 1], "RR counting a block it does not hold" },
        { [0x81, 200, 0, 6, .. new byte[24]], "SR counting a block it does not hold" },
        { [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 3, 97, 98], "SDES chunk without a null item" },
        { [0x81, 202, 0, 1, 0, 0, 0, 1], "SDES counting a chunk with no items" },
        { [0x82, 203, 0, 1, 0, 0, 0, 1], "BYE counting an SSRC it does not hold" },
        { [0x81, 203, 0, 2, 0, 0, 0, 1, 9, 97, 98, 99], "BYE reason longer than the packet" },
        { [0x81, 205, 0, 1, 0, 0, 0, 1], "feedback without a media SSRC" },
        { [0x8F, 205, 0, 3, .. new byte[12]], "TWCC without its fixed fields" },
        { [0x84, 206, 0, 3, .. new byte[8], 0, 0, 0, 1], "FIR with half an entry" },
        { [0x8F, 206, 0, 4, .. new byte[8], .. "REMB"u8, 1, 0, 0, 0], "REMB counting an SSRC it does not hold" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_packets_are_refused(byte[] bytes, string because)
    {
        RtcpPacket.TryRead(bytes, out _).Should().BeFalse(because);
        RtcpCompound.IsValid(bytes).Should().BeFalse(because);
        RtcpCompound.IsValid(Compound(ReceiverReport(1), bytes)).Should().BeFalse(because);
    }

    [Fact]
    public void A_truncated_compound_is_valid_only_when_cut_between_packets()
    {
        byte[][] packets = [ReceiverReport(1, 2), SourceDescription((1, "cname")), Remb(1, 2, 3, 4), GenericNack(1, 2, (3, 4))];
        var compound = Compound(packets);
        var boundaries = new HashSet<int>();
        for (int end = 0, i = 0; i < packets.Length; i++)
        {
            boundaries.Add(end += packets[i].Length);
        }

        for (int length = 0; length <= compound.Length; length++)
        {
            RtcpCompound.IsValid(compound.AsSpan(0, length)).Should().Be(boundaries.Contains(length), $"{length} bytes");
        }
    }

    [Fact]
    public void An_empty_datagram_is_not_a_compound() => RtcpCompound.IsValid([]).Should().BeFalse();
}
