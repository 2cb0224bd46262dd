using One2One.MediaServer.Rtc.Dtls.Handshake;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class HandshakeReassemblerTests
{
    [Fact]
    public void Fragments_in_any_order_with_overlaps_and_repeats_make_the_message_once()
    {
        var reassembler = new HandshakeReassembler(maxMessageLength: 1000, maxBufferedBytes: 4000);
        var body = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

        Add(reassembler, HandshakeType.Certificate, 0, body, 60, 40).Should().Be(HandshakeFragmentResult.Accepted);
        reassembler.TryTakeNext(out _).Should().BeFalse();
        Add(reassembler, HandshakeType.Certificate, 0, body, 0, 30);
        Add(reassembler, HandshakeType.Certificate, 0, body, 20, 30); // overlaps both sides of a gap
        reassembler.TryTakeNext(out _).Should().BeFalse("bytes 50..59 are missing");
        Add(reassembler, HandshakeType.Certificate, 0, body, 0, 30);
        Add(reassembler, HandshakeType.Certificate, 0, body, 45, 20);

        reassembler.TryTakeNext(out var message).Should().BeTrue();
        message.Body.Should().Equal(body);
        message.Type.Should().Be(HandshakeType.Certificate);
        reassembler.NextSequence.Should().Be(1);
        reassembler.BufferedBytes.Should().Be(0);
        Add(reassembler, HandshakeType.Certificate, 0, body, 0, 100).Should().Be(HandshakeFragmentResult.AlreadyReceived);
    }

    [Fact]
    public void Messages_come_out_in_sequence_order_whatever_order_they_arrive_in()
    {
        var reassembler = new HandshakeReassembler(1000, 4000);
        Add(reassembler, HandshakeType.Finished, 2, new byte[12], 0, 12);
        Add(reassembler, HandshakeType.ClientKeyExchange, 1, new byte[66], 0, 66);
        reassembler.TryTakeNext(out _).Should().BeFalse("message 0 is missing");
        Add(reassembler, HandshakeType.Certificate, 0, new byte[10], 0, 10);

        var order = new List<HandshakeType>();
        while (reassembler.TryTakeNext(out var message))
        {
            order.Add(message.Type);
        }

        order.Should().Equal(HandshakeType.Certificate, HandshakeType.ClientKeyExchange, HandshakeType.Finished);
    }

    [Fact]
    public void What_would_break_the_bounds_is_dropped()
    {
        var reassembler = new HandshakeReassembler(maxMessageLength: 1000, maxBufferedBytes: 2400, window: 4);

        Add(reassembler, HandshakeType.Certificate, 0, new byte[1001], 0, 10).Should().Be(HandshakeFragmentResult.Dropped, "longer than a message may be");
        Add(reassembler, HandshakeType.Certificate, 4, new byte[10], 0, 10).Should().Be(HandshakeFragmentResult.Dropped, "beyond the window");
        Add(reassembler, HandshakeType.Certificate, 0, new byte[1000], 0, 10).Should().Be(HandshakeFragmentResult.Accepted);
        Add(reassembler, HandshakeType.Certificate, 1, new byte[1000], 0, 10).Should().Be(HandshakeFragmentResult.Accepted);
        Add(reassembler, HandshakeType.Certificate, 2, new byte[1000], 0, 10).Should().Be(HandshakeFragmentResult.Dropped, "over the budget");
        Add(reassembler, HandshakeType.Finished, 0, new byte[1000], 10, 10).Should().Be(HandshakeFragmentResult.Dropped, "another type than the first fragment said");
        Add(reassembler, HandshakeType.Certificate, 0, new byte[999], 10, 10).Should().Be(HandshakeFragmentResult.Dropped, "another length than the first fragment said");
        reassembler.BufferedBytes.Should().BeLessThanOrEqualTo(2400);

        reassembler.Clear();
        reassembler.BufferedBytes.Should().Be(0);
    }

    [Fact]
    public void A_header_whose_fragment_runs_past_the_message_or_the_data_is_not_read()
    {
        var data = new byte[12 + 10];
        new HandshakeHeader(HandshakeType.Certificate, 15, 0, 10, 10).Write(data);
        HandshakeHeader.TryRead(data, out _).Should().BeFalse("offset + length is past the message");

        new HandshakeHeader(HandshakeType.Certificate, 100, 0, 0, 20).Write(data);
        HandshakeHeader.TryRead(data, out _).Should().BeFalse("the fragment is longer than the record");

        new HandshakeHeader(HandshakeType.Certificate, 100, 3, 5, 10).Write(data);
        HandshakeHeader.TryRead(data, out var header).Should().BeTrue();
        header.Should().Be(new HandshakeHeader(HandshakeType.Certificate, 100, 3, 5, 10));
    }

    private static HandshakeFragmentResult Add(HandshakeReassembler reassembler, HandshakeType type, int sequence, byte[] body, int offset, int length) =>
        reassembler.Add(new HandshakeHeader(type, body.Length, sequence, offset, length), body.AsSpan(offset, length), epoch: 0);
}
