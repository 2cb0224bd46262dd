using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>
/// Rewrites the SSRCs of a decrypted RTCP compound so that it can be sent on another leg of the relay.
/// <para>
/// Every SSRC field goes through one <see cref="SsrcMap"/>: the sender's own streams (SR sender, SDES
/// chunks, BYE) and the streams reported on (report blocks, NACK/PLI/TWCC media SSRC, FIR entries, REMB
/// list). What the map does not know is dropped: a report block, chunk, FIR entry or REMB SSRC is left
/// out; a NACK, PLI or TWCC about an unknown media SSRC is left out; a packet left with nothing in it
/// (RR without blocks, SDES without chunks, BYE without SSRCs, FIR without entries, REMB without SSRCs)
/// is left out. Types it cannot vouch for (APP, XR, other feedback formats) are left out.
/// </para>
/// <para>
/// <c>reporterSsrc</c>, when given, becomes the sender SSRC of every RR and RTPFB/PSFB packet (they come
/// from a receiver; the field only names the reporter). An SR's sender SSRC always goes through the map,
/// because its sender info describes that stream; an SR whose sender the map does not know is written
/// as an RR from <c>reporterSsrc</c>, keeping its report blocks (or dropped when there is none).
/// </para>
/// <para>
/// Source → sink: map = { source browser's SSRC → sink endpoint's outgoing SSRC }, no reporter.
/// Sink → source: map = { our outgoing SSRC → source browser's SSRC }, reporter = a local SSRC.
/// A single call can do both when the map holds both kinds of pair.
/// </para>
/// <para>
/// A pair may also say how the relay renumbers that stream (a sink whose source changed goes on from the old source's
/// numbers): an SR's RTP time moves with the packets' timestamps, and a report block's extended highest sequence number
/// and a NACK's packet ids move back to the sender's own numbers.
/// </para>
/// The output may start with a packet other than SR/RR: that is reduced-size RTCP (RFC 5506), which
/// needs a=rtcp-rsize in the negotiated SDP (browsers offer it).
/// </summary>
internal static class RtcpTranslator
{
    /// <summary>
    /// Writes the translated compound into <paramref name="destination"/> and returns its length:
    /// 0 when nothing is left to send or <paramref name="compound"/> is not a valid compound.
    /// The output is never longer than the input; <paramref name="destination"/> must be at least as long
    /// as <paramref name="compound"/> and must not overlap it.
    /// </summary>
    /// <param name="maxRembBitrate">A REMB above it is sent on lowered to it (MediaServer:MaxVideoBitrate).</param>
    /// <param name="dropNacks">Leaves the compound's Generic NACKs out (the media server answered them itself).</param>
    public static int Translate(ReadOnlySpan<byte> compound, Span<byte> destination, in SsrcMap map, uint? reporterSsrc = null, ulong maxRembBitrate = ulong.MaxValue, bool dropNacks = false)
    {
        if (destination.Length < compound.Length)
        {
            throw new ArgumentException("The destination must be at least as long as the compound.", nameof(destination));
        }

        if (destination.Overlaps(compound))
        {
            throw new ArgumentException("The destination must not overlap the compound.", nameof(destination));
        }

        if (!RtcpCompound.IsValid(compound))
        {
            return 0;
        }

        int written = 0;
        foreach (var packet in RtcpCompound.Enumerate(compound))
        {
            var output = destination[written..];
            written += packet.Kind switch
            {
                RtcpPacketKind.SenderReport => TranslateSenderReport(packet, output, map, reporterSsrc),
                RtcpPacketKind.ReceiverReport => TranslateReceiverReport(packet, output, map, reporterSsrc),
                RtcpPacketKind.SourceDescription => TranslateSourceDescription(packet, output, map),
                RtcpPacketKind.Goodbye => TranslateGoodbye(packet, output, map),
                RtcpPacketKind.GenericNack when dropNacks => 0,
                RtcpPacketKind.GenericNack or RtcpPacketKind.TransportWideCc or RtcpPacketKind.PictureLossIndication =>
                    TranslateMediaFeedback(packet, output, map, reporterSsrc),
                RtcpPacketKind.FullIntraRequest => TranslateFullIntraRequest(packet, output, map, reporterSsrc),
                RtcpPacketKind.Remb => TranslateRemb(packet, output, map, reporterSsrc, maxRembBitrate),
                _ => 0,
            };
        }

        return written;
    }

    private static int TranslateSenderReport(RtcpPacket packet, Span<byte> output, in SsrcMap map, uint? reporterSsrc)
    {
        if (!map.TryMap(packet.SenderSsrc, out uint sender, out _, out uint timestampShift))
        {
            return reporterSsrc is { } reporter ? WriteReportBlocks(packet, output, RtcpPacketType.ReceiverReport, reporter, [], map, keepEmpty: false) : 0;
        }

        var senderInfo = packet.Content.Slice(8, RtcpSenderInfo.Length);
        var written = WriteReportBlocks(packet, output, RtcpPacketType.SenderReport, sender, senderInfo, map, keepEmpty: true);

        // The sender info's RTP time (after the NTP time) names the same instant as the packets do, renumbered as they are.
        var rtpTime = output.Slice(16, 4);
        BinaryPrimitives.WriteUInt32BigEndian(rtpTime, BinaryPrimitives.ReadUInt32BigEndian(rtpTime) + timestampShift);
        return written;
    }

    private static int TranslateReceiverReport(RtcpPacket packet, Span<byte> output, in SsrcMap map, uint? reporterSsrc)
    {
        if (!TryGetReporter(packet, map, reporterSsrc, out uint sender))
        {
            return 0;
        }

        return WriteReportBlocks(packet, output, RtcpPacketType.ReceiverReport, sender, [], map, keepEmpty: false);
    }

    /// <summary>SR or RR: header, sender SSRC, sender info (SR only), the blocks the map knows. Profile extensions are left out.</summary>
    private static int WriteReportBlocks(RtcpPacket packet, Span<byte> output, byte packetType, uint sender,
        ReadOnlySpan<byte> senderInfo, in SsrcMap map, bool keepEmpty)
    {
        int position = 8;
        senderInfo.CopyTo(output[position..]);
        position += senderInfo.Length;

        int kept = 0;
        var blocks = packet.Content.Slice(packet.ReportBlocksOffset, packet.ReportBlockCount * RtcpReportBlock.Length);
        for (; !blocks.IsEmpty; blocks = blocks[RtcpReportBlock.Length..])
        {
            if (map.TryMap(BinaryPrimitives.ReadUInt32BigEndian(blocks), out uint ssrc, out ushort sequenceShift, out _))
            {
                blocks[..RtcpReportBlock.Length].CopyTo(output[position..]);
                BinaryPrimitives.WriteUInt32BigEndian(output[position..], ssrc);

                // The extended highest sequence number received, in the numbers of the stream's sender.
                var highest = output.Slice(position + 8, 4);
                BinaryPrimitives.WriteUInt32BigEndian(highest, BinaryPrimitives.ReadUInt32BigEndian(highest) + (uint)(short)sequenceShift);
                position += RtcpReportBlock.Length;
                kept++;
            }
        }

        if (kept == 0 && !keepEmpty)
        {
            return 0;
        }

        BinaryPrimitives.WriteUInt32BigEndian(output[4..], sender);
        return WriteHeader(output, kept, packetType, position);
    }

    private static int TranslateSourceDescription(RtcpPacket packet, Span<byte> output, in SsrcMap map)
    {
        int position = RtcpPacket.HeaderLength;
        int kept = 0;
        foreach (var chunk in packet.SdesChunks)
        {
            if (map.TryMap(chunk.Ssrc, out uint ssrc))
            {
                chunk.Bytes.CopyTo(output[position..]);
                BinaryPrimitives.WriteUInt32BigEndian(output[position..], ssrc);
                position += chunk.Bytes.Length;
                kept++;
            }
        }

        return kept == 0 ? 0 : WriteHeader(output, kept, RtcpPacketType.SourceDescription, position);
    }

    private static int TranslateGoodbye(RtcpPacket packet, Span<byte> output, in SsrcMap map)
    {
        int position = RtcpPacket.HeaderLength;
        int kept = 0;
        for (int i = 0; i < packet.GoodbyeSsrcCount; i++)
        {
            if (map.TryMap(packet.GetGoodbyeSsrc(i), out uint ssrc))
            {
                BinaryPrimitives.WriteUInt32BigEndian(output[position..], ssrc);
                position += 4;
                kept++;
            }
        }

        if (kept == 0)
        {
            return 0;
        }

        var reason = packet.GoodbyeReason;
        if (!reason.IsEmpty)
        {
            output[position] = (byte)reason.Length;
            reason.CopyTo(output[(position + 1)..]);
            int end = position + 1 + reason.Length;
            position = (end + 3) & ~3;
            output[end..position].Clear();
        }

        return WriteHeader(output, kept, RtcpPacketType.Goodbye, position);
    }

    /// <summary>NACK, TWCC, PLI: one media SSRC; the FCI is copied as it is, but for a NACK's lost packets, in the sender's numbers.</summary>
    private static int TranslateMediaFeedback(RtcpPacket packet, Span<byte> output, in SsrcMap map, uint? reporterSsrc)
    {
        if (!TryGetReporter(packet, map, reporterSsrc, out uint sender) || !map.TryMap(packet.MediaSsrc, out uint media, out ushort sequenceShift, out _))
        {
            return 0;
        }

        var content = packet.Content;
        content.CopyTo(output);
        BinaryPrimitives.WriteUInt32BigEndian(output[4..], sender);
        BinaryPrimitives.WriteUInt32BigEndian(output[8..], media);
        if (packet.Kind == RtcpPacketKind.GenericNack && sequenceShift != 0)
        {
            // RFC 4585 §6.2.1: each entry is a packet id and a bitmask of the 16 after it; the mask is relative.
            for (var entry = RtcpPacket.FeedbackHeaderLength; entry + 4 <= content.Length; entry += 4)
            {
                var id = output.Slice(entry, 2);
                BinaryPrimitives.WriteUInt16BigEndian(id, (ushort)(BinaryPrimitives.ReadUInt16BigEndian(id) + sequenceShift));
            }
        }

        return WriteHeader(output, packet.Format, content[1], content.Length);
    }

    private static int TranslateFullIntraRequest(RtcpPacket packet, Span<byte> output, in SsrcMap map, uint? reporterSsrc)
    {
        if (!TryGetReporter(packet, map, reporterSsrc, out uint sender))
        {
            return 0;
        }

        int position = RtcpPacket.FeedbackHeaderLength;
        var entries = packet.Content[RtcpPacket.FeedbackHeaderLength..];
        for (; !entries.IsEmpty; entries = entries[8..])
        {
            if (map.TryMap(BinaryPrimitives.ReadUInt32BigEndian(entries), out uint ssrc))
            {
                entries[..8].CopyTo(output[position..]);
                BinaryPrimitives.WriteUInt32BigEndian(output[position..], ssrc);
                position += 8;
            }
        }

        if (position == RtcpPacket.FeedbackHeaderLength)
        {
            return 0;
        }

        // RFC 5104 §4.3.1.2: the media source SSRC of a FIR is unused and set to 0; keep it 0 if it was.
        uint media = packet.MediaSsrc != 0 && map.TryMap(packet.MediaSsrc, out uint mapped) ? mapped : 0;
        BinaryPrimitives.WriteUInt32BigEndian(output[4..], sender);
        BinaryPrimitives.WriteUInt32BigEndian(output[8..], media);
        return WriteHeader(output, RtcpFeedbackFormat.FullIntraRequest, RtcpPacketType.PayloadFeedback, position);
    }

    /// <summary>draft-alvestrand-rmcat-remb-03 §2.2: header, "REMB", SSRC count, exponent and mantissa, SSRCs.</summary>
    private static int TranslateRemb(RtcpPacket packet, Span<byte> output, in SsrcMap map, uint? reporterSsrc, ulong maxBitrate)
    {
        if (!TryGetReporter(packet, map, reporterSsrc, out uint sender))
        {
            return 0;
        }

        const int ssrcListOffset = RtcpPacket.FeedbackHeaderLength + 8;
        int position = ssrcListOffset;
        for (int i = 0; i < packet.RembSsrcCount; i++)
        {
            if (map.TryMap(packet.GetRembSsrc(i), out uint ssrc))
            {
                BinaryPrimitives.WriteUInt32BigEndian(output[position..], ssrc);
                position += 4;
            }
        }

        int kept = (position - ssrcListOffset) / 4;
        if (kept == 0)
        {
            return 0;
        }

        packet.Content[RtcpPacket.FeedbackHeaderLength..ssrcListOffset].CopyTo(output[RtcpPacket.FeedbackHeaderLength..]);
        output[RtcpPacket.FeedbackHeaderLength + 4] = (byte)kept;
        if (packet.RembBitrate > maxBitrate)
        {
            WriteRembBitrate(output[(RtcpPacket.FeedbackHeaderLength + 5)..], maxBitrate);
        }

        BinaryPrimitives.WriteUInt32BigEndian(output[4..], sender);
        BinaryPrimitives.WriteUInt32BigEndian(output[8..], 0);
        return WriteHeader(output, RtcpFeedbackFormat.ApplicationLayer, RtcpPacketType.PayloadFeedback, position);
    }

    /// <summary>draft-alvestrand-rmcat-remb-03 §2.2: a 6-bit exponent and an 18-bit mantissa, rounded down.</summary>
    internal static void WriteRembBitrate(Span<byte> exponentAndMantissa, ulong bitrate)
    {
        int exponent = 0;
        while (bitrate >> exponent > 0x3FFFF)
        {
            exponent++;
        }

        ulong mantissa = bitrate >> exponent;
        exponentAndMantissa[0] = (byte)((exponent << 2) | (int)(mantissa >> 16));
        exponentAndMantissa[1] = (byte)(mantissa >> 8);
        exponentAndMantissa[2] = (byte)mantissa;
    }

    private static bool TryGetReporter(RtcpPacket packet, in SsrcMap map, uint? reporterSsrc, out uint sender)
    {
        if (reporterSsrc is { } reporter)
        {
            sender = reporter;
            return true;
        }

        return map.TryMap(packet.SenderSsrc, out sender);
    }

    /// <summary>V=2, no padding, the count or FMT, the type, and the length in 32-bit words minus one.</summary>
    private static int WriteHeader(Span<byte> output, int countOrFormat, byte packetType, int length)
    {
        output[0] = (byte)(0x80 | countOrFormat);
        output[1] = packetType;
        BinaryPrimitives.WriteUInt16BigEndian(output[2..], (ushort)((length / 4) - 1));
        return length;
    }
}
