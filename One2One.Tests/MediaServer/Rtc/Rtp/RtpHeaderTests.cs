using One2One.MediaServer.Rtc.Rtp;

namespace One2One.Tests.MediaServer.Rtc.Rtp;

public class RtpHeaderTests
{
    // V=2, P=1, X=1, CC=2, M=1, PT=111, seq 0x1234, ts 0xDECAFBAD, SSRC 0xCAFEBABE,
    // CSRCs, extension 0xBEDE of one word, then payload.
    private static readonly byte[] Packet = Convert.FromHexString(
        "b2ef1234decafbadcafebabe" + "0000000100000002" + "bede0001" + "10ff0000" + "abcdef02");

    [Fact]
    public void Every_field_of_the_header_reads_back()
    {
        RtpHeader.TryParse(Packet, out var header).Should().BeTrue();

        header.HasPadding.Should().BeTrue();
        header.HasExtension.Should().BeTrue();
        header.CsrcCount.Should().Be(2);
        header.Marker.Should().BeTrue();
        header.PayloadType.Should().Be(111);
        header.SequenceNumber.Should().Be(0x1234);
        header.Timestamp.Should().Be(0xDECAFBAD);
        header.Ssrc.Should().Be(0xCAFEBABE);
        header.Length.Should().Be(28);
    }

    [Fact]
    public void A_plain_header_is_12_bytes()
    {
        RtpHeader.TryParse(Convert.FromHexString("80601234000000010000000200"), out var header).Should().BeTrue();

        header.Length.Should().Be(12);
        header.Marker.Should().BeFalse();
        header.PayloadType.Should().Be(96);
        header.HasExtension.Should().BeFalse();
        header.CsrcCount.Should().Be(0);
    }

    [Fact]
    public void Every_truncation_inside_the_header_is_refused()
    {
        for (int length = 0; length < 28; length++)
        {
            RtpHeader.TryParse(Packet.AsSpan(0, length), out _).Should().BeFalse($"{length} bytes hold no whole header");
        }

        RtpHeader.TryParse(Packet.AsSpan(0, 28), out _).Should().BeTrue("a header without payload is a packet");
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x40)]
    [InlineData(0xC0)]
    public void Versions_other_than_2_are_refused(byte first)
    {
        var packet = (byte[])Packet.Clone();
        packet[0] = (byte)((packet[0] & 0x3F) | first);

        RtpHeader.TryParse(packet, out _).Should().BeFalse();
    }

    [Fact]
    public void An_extension_length_past_the_packet_is_refused()
    {
        var packet = (byte[])Packet.Clone();
        packet[23] = 3;

        RtpHeader.TryParse(packet, out _).Should().BeFalse();
    }

    [Fact]
    public void The_ssrc_payload_type_and_sequence_number_are_rewritten_in_place_keeping_the_marker()
    {
        var packet = (byte[])Packet.Clone();

        RtpHeader.SetSsrc(packet, 0x01020304);
        RtpHeader.SetPayloadType(packet, 96);
        RtpHeader.SetSequenceNumber(packet, 7);

        RtpHeader.TryParse(packet, out var header).Should().BeTrue();
        header.Ssrc.Should().Be(0x01020304);
        header.PayloadType.Should().Be(96);
        header.Marker.Should().BeTrue();
        header.SequenceNumber.Should().Be(7);
        packet[12..].Should().Equal(Packet[12..]);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x01 }, "Stun")]
    [InlineData(new byte[] { 0x01, 0x01 }, "Stun")]
    [InlineData(new byte[] { 22, 0xFE }, "Dtls")]
    [InlineData(new byte[] { 23, 0xFE }, "Dtls")]
    [InlineData(new byte[] { 0x80, 96 }, "Rtp")]
    [InlineData(new byte[] { 0x80, 0x80 | 111 }, "Rtp")]
    [InlineData(new byte[] { 0x80, 200 }, "Rtcp")]
    [InlineData(new byte[] { 0x81, 206 }, "Rtcp")]
    [InlineData(new byte[] { 0x80, 223 }, "Rtcp")]
    [InlineData(new byte[] { 0x80, 224 }, "Rtp")]
    [InlineData(new byte[] { 64, 0 }, "Unknown")]
    [InlineData(new byte[] { 0x80 }, "Rtp")]
    [InlineData(new byte[0], "Unknown")]
    public void Datagrams_are_told_apart_by_their_first_two_bytes(byte[] datagram, string kind) =>
        RtcDemux.Classify(datagram).ToString().Should().Be(kind);
}
