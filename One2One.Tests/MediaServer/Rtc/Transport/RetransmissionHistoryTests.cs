using One2One.MediaServer.Rtc.Transport;

namespace One2One.Tests.MediaServer.Rtc.Transport;

public sealed class RetransmissionHistoryTests
{
    [Fact]
    public void Finds_a_kept_packet_by_its_sequence_number_until_128_later_ones_replace_it()
    {
        var history = new RetransmissionHistory();
        history.Keep([1, 2, 3], 65_500);

        history.TryFind(65_500, out var found).Should().BeTrue();
        found.ToArray().Should().Equal(1, 2, 3);
        history.TryFind(65_501, out _).Should().BeFalse("never kept");

        for (var i = 1; i < RetransmissionHistory.Capacity; i++)
        {
            history.Keep([(byte)i], (ushort)(65_500 + i));
        }

        history.TryFind(65_500, out _).Should().BeTrue("127 later packets leave it");
        history.TryFind(unchecked((ushort)(65_500 + 127)), out var wrapped).Should().BeTrue("across the 16-bit wrap");
        wrapped.ToArray().Should().Equal((byte)127);

        history.Keep([9], unchecked((ushort)(65_500 + RetransmissionHistory.Capacity)));
        history.TryFind(65_500, out _).Should().BeFalse("the 128th later packet took its place");
    }

    [Fact]
    public void Restarted_under_new_keys_it_forgets_every_packet_of_the_old_ones_and_keeps_the_new()
    {
        var history = new RetransmissionHistory(keyEpoch: 1);
        history.Keep([1], 100);
        history.Keep([2], 101);

        history.Restart(keyEpoch: 2);

        history.KeyEpoch.Should().Be(2);
        history.TryFind(100, out _).Should().BeFalse("protected with keys the browser no longer has");
        history.TryFind(101, out _).Should().BeFalse();
        history.Keep([3], 102);
        history.TryFind(102, out var kept).Should().BeTrue();
        kept.ToArray().Should().Equal((byte)3);
    }

    [Fact]
    public void A_packet_too_large_to_keep_leaves_its_place_empty()
    {
        var history = new RetransmissionHistory();
        history.Keep([1], 7);

        history.Keep(new byte[RetransmissionHistory.MaxPacketLength + 1], (ushort)(7 + RetransmissionHistory.Capacity));

        history.TryFind(7, out _).Should().BeFalse();
        history.TryFind((ushort)(7 + RetransmissionHistory.Capacity), out _).Should().BeFalse();
    }

    [Fact]
    public void A_kept_packet_is_given_for_resending_twice_at_most_and_the_next_packet_in_its_place_twice_again()
    {
        var history = new RetransmissionHistory();
        history.Keep([1, 2, 3], 10);

        history.TryTakeForResend(10, out var first).Should().BeTrue();
        first.ToArray().Should().Equal(1, 2, 3);
        history.TryTakeForResend(10, out _).Should().BeTrue("a resend may be lost too");
        history.TryTakeForResend(10, out _).Should().BeFalse($"{RetransmissionHistory.MaxResends} resends at most");
        history.TryFind(10, out _).Should().BeTrue("still kept, only not sent again");
        history.TryTakeForResend(11, out _).Should().BeFalse("never kept");

        history.Keep([4], (ushort)(10 + RetransmissionHistory.Capacity));
        history.TryTakeForResend((ushort)(10 + RetransmissionHistory.Capacity), out var next).Should().BeTrue("a new packet in that place has its own count");
        next.ToArray().Should().Equal((byte)4);
    }
}
