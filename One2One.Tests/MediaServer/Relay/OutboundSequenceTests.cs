using One2One.MediaServer.Elements;
using One2One.MediaServer.Relay;
using One2One.MediaServer.Rtc.Rtp;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// A sink's outgoing stream across a change of source: numbers go on from the last sent, packets of the new source from
/// before its first are not sent (their numbers were the old source's), and everything after passes for good.
/// </summary>
public sealed class OutboundSequenceTests
{
    private const uint A = 0xA, B = 0xB;
    private const long Frequency = 1_000;

    private readonly OutboundSequence _video = new(KurentoMediaType.Video);

    [Fact]
    public void The_first_source_s_numbers_pass_unchanged_reordered_or_not()
    {
        Rewrite(A, 100, 9_000).Should().Be((RewriteResult.Send, (ushort)100, 9_000u));
        Rewrite(A, 102, 9_200).Should().Be((RewriteResult.Send, (ushort)102, 9_200u));
        Rewrite(A, 101, 9_100).Should().Be((RewriteResult.Send, (ushort)101, 9_100u), "a packet reordered on the way is still sent");
        _video.Shift.Should().Be(new StreamShift(0, 0));
    }

    [Fact]
    public void A_new_source_goes_on_from_the_last_number_sent_and_its_shift_is_known()
    {
        Rewrite(A, 100, 9_000, now: 0);
        var (result, sequence, timestamp) = Rewrite(B, 501, 50_000, now: 100);

        result.Should().Be(RewriteResult.SourceChanged);
        sequence.Should().Be(101);
        timestamp.Should().Be(9_000u + 9_000, "100 ms on at 90 kHz");
        _video.Shift.Should().Be(new StreamShift(unchecked((ushort)(101 - 501)), unchecked(18_000u - 50_000u)));
        var back = _video.Shift.Inverse;
        ((ushort)(sequence + back.Sequence)).Should().Be(501, "the inverse gives the source's own number back");
        (timestamp + back.Timestamp).Should().Be(50_000u);
    }

    [Fact]
    public void A_packet_of_the_new_source_from_before_its_first_is_not_sent_on_a_number_the_old_source_used()
    {
        Rewrite(A, 100, 9_000);
        Rewrite(B, 501, 50_000).Result.Should().Be(RewriteResult.SourceChanged);

        // 500 was sent before 501 and overtaken: it would be number 100 again, A's packet's number (the same SRTP index).
        Rewrite(B, 500, 49_000).Result.Should().Be(RewriteResult.Stale);
        Rewrite(B, 503, 50_200).Should().Be((RewriteResult.Send, (ushort)103, Timestamp(50_200)));
        Rewrite(B, 502, 50_100).Should().Be((RewriteResult.Send, (ushort)102, Timestamp(50_100)), "502 came after 501: its number is new");
    }

    [Fact]
    public void Long_after_a_change_the_stream_wraps_and_goes_on_with_nothing_held_back()
    {
        Rewrite(A, 100, 0);
        Rewrite(B, 1, 0);

        const int overtaken = 139_990;
        for (var i = 2; i < 140_000; i++)
        {
            if (i != overtaken && Rewrite(B, (ushort)i, (uint)i * 3_000).Result != RewriteResult.Send)
            {
                Assert.Fail($"packet {i} of B was held back");
            }
        }

        // A packet overtaken by a few others, two wraps on, is sent.
        Rewrite(B, unchecked((ushort)overtaken), overtaken * 3_000).Result.Should().Be(RewriteResult.Send);
    }

    private uint Timestamp(uint source) => source + _video.Shift.Timestamp;

    private (RewriteResult Result, ushort Sequence, uint Timestamp) Rewrite(uint ssrc, ushort sequence, uint timestamp, long now = 0)
    {
        var packet = new byte[20];
        packet[0] = 0x80;
        packet[1] = 96;
        RtpHeader.SetSequenceNumber(packet, sequence);
        RtpHeader.SetTimestamp(packet, timestamp);
        RtpHeader.SetSsrc(packet, ssrc);
        var result = _video.Rewrite(packet, ssrc, sequence, timestamp, now, Frequency);
        RtpHeader.TryParse(packet, out var header).Should().BeTrue();
        return (result, header.SequenceNumber, header.Timestamp);
    }
}
