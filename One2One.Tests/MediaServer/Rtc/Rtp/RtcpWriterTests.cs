using System.Text;
using One2One.MediaServer.Rtc.Rtp;
using static One2One.Tests.MediaServer.Rtc.Rtp.RtcpTestPackets;

namespace One2One.Tests.MediaServer.Rtc.Rtp;

public class RtcpWriterTests
{
    [Fact]
    public void A_pli_is_written_as_rfc4585_lays_it_out()
    {
        var buffer = new byte[64];

        int length = RtcpWriter.WritePictureLossIndication(buffer, 0x01020304, 0x0A0B0C0D);

        buffer[..length].Should().Equal(PictureLossIndication(0x01020304, 0x0A0B0C0D));
    }

    [Fact]
    public void A_fir_is_written_as_rfc5104_lays_it_out()
    {
        var buffer = new byte[64];

        int length = RtcpWriter.WriteFullIntraRequest(buffer, 0x01020304, 0x0A0B0C0D, 42);

        buffer[..length].Should().Equal(FullIntraRequest(0x01020304, (0x0A0B0C0D, 42)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("abcd")]
    [InlineData("{6f3c1a32-8d0e-4b5c-a6c2-9f0d1e2b3c4d}")]
    public void A_full_compound_of_rr_sdes_and_pli_reads_back(string cname)
    {
        var buffer = new byte[512];

        int length = RtcpWriter.WriteReceiverReport(buffer, 7);
        length += RtcpWriter.WriteSourceDescription(buffer.AsSpan(length), 7, Encoding.ASCII.GetBytes(cname));
        length += RtcpWriter.WritePictureLossIndication(buffer.AsSpan(length), 7, 9);

        var compound = buffer.AsSpan(0, length);
        RtcpCompound.IsValid(compound).Should().BeTrue();
        compound.ToArray().Should().Equal(Compound(ReceiverReport(7), SourceDescription((7, cname)), PictureLossIndication(7, 9)));
        var kinds = new List<RtcpPacketKind>();
        foreach (var packet in RtcpCompound.Enumerate(compound))
        {
            kinds.Add(packet.Kind);
        }

        kinds.Should().Equal(RtcpPacketKind.ReceiverReport, RtcpPacketKind.SourceDescription, RtcpPacketKind.PictureLossIndication);
    }
}
