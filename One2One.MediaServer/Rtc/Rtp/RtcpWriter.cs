using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>
/// Writes the RTCP packets the relay originates. Each method writes one packet and returns its length.
/// Sent alone, a PLI or FIR is reduced-size RTCP (RFC 5506), which needs a=rtcp-rsize in the negotiated
/// SDP (browsers offer it). Without it, send a full compound (RFC 3550 §6.1):
/// <see cref="WriteReceiverReport"/> + <see cref="WriteSourceDescription"/> + the feedback packet.
/// </summary>
internal static class RtcpWriter
{
    public const int PictureLossIndicationLength = 12;
    public const int FullIntraRequestLength = 20;
    public const int EmptyReceiverReportLength = 8;

    /// <summary>PLI (RFC 4585 §6.3.1): no FCI.</summary>
    public static int WritePictureLossIndication(Span<byte> destination, uint senderSsrc, uint mediaSsrc)
    {
        var packet = destination[..PictureLossIndicationLength];
        WriteHeader(packet, RtcpFeedbackFormat.PictureLossIndication, RtcpPacketType.PayloadFeedback);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], mediaSsrc);
        return packet.Length;
    }

    /// <summary>
    /// FIR (RFC 5104 §4.3.1) with one entry for <paramref name="mediaSsrc"/>. The header's media source
    /// SSRC is 0 as §4.3.1.2 asks. <paramref name="sequenceNumber"/> goes up by one per new request
    /// (§4.3.1.1); repeat it when retransmitting the same request.
    /// </summary>
    public static int WriteFullIntraRequest(Span<byte> destination, uint senderSsrc, uint mediaSsrc, byte sequenceNumber)
    {
        var packet = destination[..FullIntraRequestLength];
        WriteHeader(packet, RtcpFeedbackFormat.FullIntraRequest, RtcpPacketType.PayloadFeedback);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(packet[12..], mediaSsrc);
        packet[16] = sequenceNumber;
        packet[17..20].Clear();
        return packet.Length;
    }

    /// <summary>An RR with no report blocks: the head of a full compound from a sender of no media.</summary>
    public static int WriteReceiverReport(Span<byte> destination, uint senderSsrc)
    {
        var packet = destination[..EmptyReceiverReportLength];
        WriteHeader(packet, 0, RtcpPacketType.ReceiverReport);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], senderSsrc);
        return packet.Length;
    }

    /// <summary>An SDES packet with one chunk carrying the CNAME (RFC 3550 §6.5.1); at most 255 bytes of CNAME.</summary>
    public static int WriteSourceDescription(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cname)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cname.Length, byte.MaxValue, nameof(cname));

        // Header, SSRC, CNAME item, then at least one null octet up to a 32-bit boundary.
        int itemsEnd = RtcpPacket.HeaderLength + 4 + 2 + cname.Length;
        int length = (itemsEnd + 4) & ~3;
        var packet = destination[..length];
        WriteHeader(packet, 1, RtcpPacketType.SourceDescription);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], ssrc);
        packet[8] = RtcpSdesChunk.CnameItem;
        packet[9] = (byte)cname.Length;
        cname.CopyTo(packet[10..]);
        packet[itemsEnd..].Clear();
        return length;
    }

    private static void WriteHeader(Span<byte> packet, int countOrFormat, byte packetType)
    {
        packet[0] = (byte)(0x80 | countOrFormat);
        packet[1] = packetType;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)((packet.Length / 4) - 1));
    }
}
