using System.Buffers.Binary;
using One2One.MediaServer.Rtc.Rtp;
using static One2One.Tests.MediaServer.Rtc.Rtp.RtcpTestPackets;

namespace One2One.Tests.MediaServer.Rtc.Rtp;

public class RtcpTranslatorTests
{
    // Browser A sends a1/a2; the relay sends them on to browser B as s1/s2. Browser B's own SSRC is b1.
    private const uint A1 = 0xA1, A2 = 0xA2, S1 = 0x51, S2 = 0x52, B1 = 0xB1, Local = 0x10CA1, Unknown = 0xDEAD;

    [Fact]
    public void Source_to_sink_an_sr_sdes_and_bye_speak_for_the_sink_endpoints_ssrcs()
    {
        var map = Map((A1, S1), (A2, S2));
        var compound = Compound(
            SenderReport(A1, Unknown),
            SourceDescription((A1, "alice"), (Unknown, "x"), (A2, "alice")),
            Goodbye("bye", A1, Unknown));

        var output = Translate(compound, map);

        var expected = Compound(
            SenderReport(S1),
            SourceDescription((S1, "alice"), (S2, "alice")),
            Goodbye("bye", S1));
        output.Should().Equal(expected, "the sender info stays, the unknown report block, chunk and SSRC go");
    }

    [Fact]
    public void Sink_to_source_feedback_about_our_ssrcs_becomes_feedback_about_the_browsers_from_the_local_ssrc()
    {
        var map = Map((S1, A1), (S2, A2));
        var compound = Compound(
            ReceiverReport(B1, S1, Unknown, S2),
            SourceDescription((B1, "bob")),
            Remb(B1, 4, 0x12345, S1, Unknown, S2),
            GenericNack(B1, S1, (1000, 0x8001)),
            PictureLossIndication(B1, S2),
            FullIntraRequest(B1, (S1, 7), (Unknown, 3)),
            TransportWideCc(B1, S1));

        var output = Translate(compound, map, Local);

        var rr = ReceiverReport(Local, A1, A2);
        ReportBlock(S1)[4..].CopyTo(rr, 12);
        ReportBlock(S2)[4..].CopyTo(rr, 36);
        var expected = Compound(
            rr,
            Remb(Local, 4, 0x12345, A1, A2),
            GenericNack(Local, A1, (1000, 0x8001)),
            PictureLossIndication(Local, A2),
            FullIntraRequest(Local, (A1, 7)),
            TransportWideCc(Local, A1));
        output.Should().Equal(expected, "report contents, bitrate, NACK items and FIR sequence numbers are kept");
    }

    [Fact]
    public void An_sr_from_an_unmapped_sender_passes_its_blocks_on_as_an_rr_from_the_reporter()
    {
        var map = Map((S1, A1));

        var output = Translate(SenderReport(B1, S1), map, Local);

        var expected = ReceiverReport(Local, A1);
        ReportBlock(S1)[4..].CopyTo(expected, 12);
        output.Should().Equal(expected);
    }

    [Fact]
    public void Without_a_reporter_packets_from_an_unmapped_sender_are_dropped()
    {
        var map = Map((S1, A1));
        var compound = Compound(SenderReport(B1, S1), ReceiverReport(B1, S1), PictureLossIndication(B1, S1));

        Translate(compound, map).Should().BeEmpty();
    }

    [Fact]
    public void One_map_can_translate_both_what_a_browser_sends_and_what_it_reports()
    {
        // B's SR describes b1 (relayed to A as t1) and reports on s1 (A's a1 as B sees it).
        const uint T1 = 0x71;
        var map = Map((B1, T1), (S1, A1));

        var output = Translate(SenderReport(B1, S1), map);

        var expected = SenderReport(T1, A1);
        ReportBlock(S1)[4..].CopyTo(expected, 32);
        output.Should().Equal(expected);
    }

    [Fact]
    public void Packets_left_empty_and_kinds_it_cannot_vouch_for_are_dropped()
    {
        var map = Map((S1, A1));
        var compound = Compound(
            ReceiverReport(B1, Unknown),
            ReceiverReport(B1),
            SourceDescription((Unknown, "x")),
            Goodbye(null, Unknown),
            Remb(B1, 1, 1, Unknown),
            FullIntraRequest(B1, (Unknown, 1)),
            GenericNack(B1, Unknown, (1, 0)),
            Application(S1));

        Translate(compound, map, Local).Should().BeEmpty();
    }

    [Fact]
    public void Padding_of_the_input_is_not_carried_over()
    {
        var pli = PictureLossIndication(B1, S1).Concat(new byte[] { 0, 0, 0, 4 }).ToArray();
        pli[0] |= 0x20;
        pli[3] = 3;

        var output = Translate(pli, Map((S1, A1)), Local);

        output.Should().Equal(PictureLossIndication(Local, A1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_feedback_packet_with_unaligned_padding_is_not_translated_into_a_malformed_compound(int padding)
    {
        // Found by the RTCP fuzz target: a PLI whose padding left 13 to 15 bytes of body was copied whole under a length
        // field that covers 12, so the compound sent to the browser ended in a stray, unparseable fragment.
        var pli = PictureLossIndication(B1, S1).Concat(new byte[] { 0, 0, 0, (byte)padding }).ToArray();
        pli[0] |= 0x20;
        pli[3] = 3;
        var destination = new byte[pli.Length];

        var written = RtcpTranslator.Translate(pli, destination, Map((S1, A1)), Local);

        (written == 0 || RtcpCompound.IsValid(destination.AsSpan(0, written))).Should().BeTrue(
            $"what the relay sends is a valid compound or nothing, not {Convert.ToHexString(destination.AsSpan(0, written))}");
    }

    [Fact]
    public void Malformed_and_truncated_compounds_give_nothing()
    {
        var map = Map((S1, A1));
        var compound = Compound(ReceiverReport(B1, S1), PictureLossIndication(B1, S1));
        var destination = new byte[compound.Length];

        RtcpTranslator.Translate(compound.AsSpan(0, compound.Length - 1), destination, map, Local).Should().Be(0);
        RtcpTranslator.Translate([], destination, map, Local).Should().Be(0);
        var badVersion = (byte[])compound.Clone();
        badVersion[32] = 0x41;
        RtcpTranslator.Translate(badVersion, destination, map, Local).Should().Be(0);
    }

    [Fact]
    public void Random_input_never_throws_and_any_output_is_a_valid_compound()
    {
        var random = new Random(3550);
        var map = Map((1, 2), (3, 4), (5, 6));
        var templates = new[]
        {
            Compound(ReceiverReport(1, 3, 5), SourceDescription((1, "c")), Remb(1, 2, 3, 3, 5), GenericNack(1, 3, (1, 2))),
            Compound(SenderReport(3, 1), FullIntraRequest(1, (5, 1)), Goodbye("r", 1, 3), TransportWideCc(1, 5)),
        };
        var destination = new byte[1500];
        int translated = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = (byte[])templates[i / 2 % templates.Length].Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }

                input = input[..random.Next(input.Length + 1)];
            }
            else
            {
                input = new byte[random.Next(0, 200)];
                random.NextBytes(input);
            }

            int length = RtcpTranslator.Translate(input, destination, map, random.Next(2) == 0 ? 9u : null);
            if (length > 0)
            {
                translated++;
                RtcpCompound.IsValid(destination.AsSpan(0, length)).Should().BeTrue();
                length.Should().BeLessThanOrEqualTo(input.Length);
            }
        }

        translated.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Translation_allocates_nothing()
    {
        var map = Map((S1, A1), (S2, A2));
        var compound = Compound(ReceiverReport(B1, S1), SourceDescription((B1, "bob")), Remb(B1, 4, 5, S1, S2), GenericNack(B1, S1, (1, 2)));
        var destination = new byte[compound.Length];
        int total = RtcpTranslator.Translate(compound, destination, map, Local);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            total += RtcpTranslator.Translate(compound, destination, map, Local);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        total.Should().BeGreaterThan(0);
        allocated.Should().Be(0);
    }

    [Fact]
    public void A_destination_shorter_than_the_compound_is_refused()
    {
        var compound = PictureLossIndication(B1, S1);
        var map = Map((S1, A1));

        var act = () => RtcpTranslator.Translate(compound, new byte[compound.Length - 1], map, Local);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void The_map_holds_up_to_its_capacity_and_replaces_existing_pairs()
    {
        var map = new SsrcMap();
        for (uint i = 0; i < SsrcMap.Capacity; i++)
        {
            map.TrySet(i, i + 100).Should().BeTrue();
        }

        map.TrySet(999, 1).Should().BeFalse();
        map.TrySet(3, 7).Should().BeTrue();
        map.TryMap(3, out uint mapped).Should().BeTrue();
        mapped.Should().Be(7u);
        map.Remove(3).Should().BeTrue();
        map.TryMap(3, out _).Should().BeFalse();
        map.TryMap(15, out mapped).Should().BeTrue();
        mapped.Should().Be(115u);
    }

    [Fact]
    public void A_renumbered_stream_s_sender_report_carries_the_rtp_time_its_packets_carry()
    {
        // The sink's stream adds 1,000 to the source's timestamps: the report's RTP time (123456) moves with them.
        var map = new SsrcMap();
        map.TrySet(A1, S1, sequenceShift: 7, timestampShift: 1_000);

        var output = Translate(SenderReport(A1), map);

        var expected = SenderReport(S1);
        BinaryPrimitives.WriteUInt32BigEndian(expected.AsSpan(16), 123456 + 1_000);
        output.Should().Equal(expected, "only the RTP time moves; the NTP time and the counts stay");
    }

    [Fact]
    public void A_nack_and_a_report_block_about_a_renumbered_stream_name_the_senders_own_sequence_numbers()
    {
        // Our stream S1 numbers the source's packets n - 536 (mod 2^16): the sender knows them as n.
        var map = new SsrcMap();
        map.TrySet(S1, A1, sequenceShift: 536);

        var output = Translate(Compound(ReceiverReport(B1, S1), GenericNack(B1, S1, (65_000, 0x8001), (65_535, 0x0003))), map, reporter: Local);

        var report = ReceiverReport(B1, S1);
        BinaryPrimitives.WriteUInt32BigEndian(report.AsSpan(4), Local);
        BinaryPrimitives.WriteUInt32BigEndian(report.AsSpan(8), A1);
        BinaryPrimitives.WriteUInt32BigEndian(report.AsSpan(16), BinaryPrimitives.ReadUInt32BigEndian(report.AsSpan(16)) + 536);
        output.Should().Equal(
            Compound(report, GenericNack(Local, A1, (0, 0x8001), (535, 0x0003))),
            "the highest number received and each lost packet's id move (wrapping); losses, jitter, timing and the masks stay");
    }

    [Fact]
    public void A_stream_that_is_not_renumbered_passes_its_numbers_unchanged()
    {
        var map = Map((S1, A1));

        var output = Translate(GenericNack(B1, S1, (1000, 0x8001)), map, reporter: Local);

        output.Should().Equal(GenericNack(Local, A1, (1000, 0x8001)));
    }

    private static SsrcMap Map(params (uint From, uint To)[] pairs)
    {
        var map = new SsrcMap();
        foreach (var (from, to) in pairs)
        {
            map.TrySet(from, to).Should().BeTrue();
        }

        return map;
    }

    private static byte[] Translate(byte[] compound, SsrcMap map, uint? reporter = null)
    {
        var destination = new byte[compound.Length];
        int length = RtcpTranslator.Translate(compound, destination, map, reporter);
        if (length > 0)
        {
            RtcpCompound.IsValid(destination.AsSpan(0, length)).Should().BeTrue();
        }

        return destination[..length];
    }
}
