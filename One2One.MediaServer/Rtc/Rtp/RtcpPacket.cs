using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>
/// One RTCP packet of a compound (RFC 3550 §6.4, RFC 4585 §6.1). <see cref="TryRead"/> checks the
/// common header and, for the kinds it knows, that the body holds what its counts say, so the accessors
/// of a packet it returns stay within the bytes. Accessors for another kind return 0 or empty.
/// </summary>
internal readonly ref struct RtcpPacket
{
    public const int HeaderLength = 4;

    /// <summary>Common header, packet sender SSRC and media source SSRC of RTPFB/PSFB (RFC 4585 §6.1).</summary>
    public const int FeedbackHeaderLength = 12;

    private const int SenderReportFixedLength = 8 + RtcpSenderInfo.Length;
    private const int ReceiverReportFixedLength = 8;
    private const int RembFixedLength = FeedbackHeaderLength + 8;
    private const uint RembIdentifier = 0x52454D42; // "REMB"

    private readonly ReadOnlySpan<byte> _content;

    private RtcpPacket(ReadOnlySpan<byte> content, int length, RtcpPacketKind kind)
    {
        _content = content;
        Length = length;
        Kind = kind;
    }

    /// <summary>Length on the wire, padding included.</summary>
    public int Length { get; }

    public RtcpPacketKind Kind { get; }

    public byte PacketType => _content[1];

    /// <summary>The 5-bit count (RC, SC) or feedback message type (FMT).</summary>
    public int Format => _content[0] & 0x1F;

    /// <summary>Header and body without padding.</summary>
    public ReadOnlySpan<byte> Content => _content;

    /// <summary>SSRC of the packet sender (SR, RR, feedback); 0 for other kinds.</summary>
    public uint SenderSsrc => Kind is RtcpPacketKind.Other or RtcpPacketKind.SourceDescription or RtcpPacketKind.Goodbye
        ? 0
        : BinaryPrimitives.ReadUInt32BigEndian(_content[4..]);

    /// <summary>SSRC of the media source of a feedback packet; 0 for other kinds.</summary>
    public uint MediaSsrc => IsFeedback ? BinaryPrimitives.ReadUInt32BigEndian(_content[8..]) : 0;

    public RtcpSenderInfo SenderInfo => Kind != RtcpPacketKind.SenderReport
        ? default
        : new RtcpSenderInfo(
            BinaryPrimitives.ReadUInt64BigEndian(_content[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(_content[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(_content[20..]),
            BinaryPrimitives.ReadUInt32BigEndian(_content[24..]));

    public int ReportBlockCount => Kind is RtcpPacketKind.SenderReport or RtcpPacketKind.ReceiverReport ? Format : 0;

    /// <summary>Offset of the first report block: after the sender info of an SR, after the sender SSRC of an RR.</summary>
    internal int ReportBlocksOffset => Kind == RtcpPacketKind.SenderReport ? SenderReportFixedLength : ReceiverReportFixedLength;

    public int NackCount => Kind == RtcpPacketKind.GenericNack ? (_content.Length - FeedbackHeaderLength) / 4 : 0;

    public int FirCount => Kind == RtcpPacketKind.FullIntraRequest ? (_content.Length - FeedbackHeaderLength) / 8 : 0;

    public int RembSsrcCount => Kind == RtcpPacketKind.Remb ? _content[16] : 0;

    /// <summary>REMB bitrate in bits per second: an 18-bit mantissa times 2^exponent (saturates at ulong.MaxValue).</summary>
    public ulong RembBitrate
    {
        get
        {
            if (Kind != RtcpPacketKind.Remb)
            {
                return 0;
            }

            int exponent = _content[17] >> 2;
            ulong mantissa = ((ulong)(_content[17] & 0x03) << 16) | ((ulong)_content[18] << 8) | _content[19];
            return exponent > 46 && mantissa >> (64 - exponent) != 0 ? ulong.MaxValue : mantissa << exponent;
        }
    }

    public int GoodbyeSsrcCount => Kind == RtcpPacketKind.Goodbye ? Format : 0;

    /// <summary>The optional reason of a BYE (RFC 3550 §6.6); empty when absent.</summary>
    public ReadOnlySpan<byte> GoodbyeReason
    {
        get
        {
            int offset = HeaderLength + (4 * GoodbyeSsrcCount);
            return Kind == RtcpPacketKind.Goodbye && _content.Length > offset
                ? _content.Slice(offset + 1, _content[offset])
                : [];
        }
    }

    /// <summary>The chunks of an SDES packet; none for other kinds.</summary>
    public RtcpSdesChunkEnumerator SdesChunks =>
        new(Kind == RtcpPacketKind.SourceDescription ? _content[HeaderLength..] : [], Kind == RtcpPacketKind.SourceDescription ? Format : 0);

    private bool IsFeedback => Kind is RtcpPacketKind.GenericNack or RtcpPacketKind.TransportWideCc
        or RtcpPacketKind.PictureLossIndication or RtcpPacketKind.FullIntraRequest or RtcpPacketKind.Remb;

    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)ReportBlockCount, nameof(index));
        return RtcpReportBlock.Read(_content.Slice(ReportBlocksOffset + (index * RtcpReportBlock.Length), RtcpReportBlock.Length));
    }

    /// <summary>One Generic NACK item: a lost packet ID and a bitmask of the 16 after it (RFC 4585 §6.2.1).</summary>
    public (ushort PacketId, ushort LostBitmask) GetNack(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)NackCount, nameof(index));
        var item = _content[(FeedbackHeaderLength + (4 * index))..];
        return (BinaryPrimitives.ReadUInt16BigEndian(item), BinaryPrimitives.ReadUInt16BigEndian(item[2..]));
    }

    /// <summary>One FIR entry: the SSRC asked for a decoder refresh and the command sequence number (RFC 5104 §4.3.1.1).</summary>
    public (uint Ssrc, byte SequenceNumber) GetFir(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)FirCount, nameof(index));
        var entry = _content[(FeedbackHeaderLength + (8 * index))..];
        return (BinaryPrimitives.ReadUInt32BigEndian(entry), entry[4]);
    }

    public uint GetRembSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)RembSsrcCount, nameof(index));
        return BinaryPrimitives.ReadUInt32BigEndian(_content[(RembFixedLength + (4 * index))..]);
    }

    public uint GetGoodbyeSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)GoodbyeSsrcCount, nameof(index));
        return BinaryPrimitives.ReadUInt32BigEndian(_content[(HeaderLength + (4 * index))..]);
    }

    /// <summary>
    /// Reads the packet at the start of <paramref name="data"/>: false when the version is not 2, the
    /// length runs past the data, the padding count is impossible or not a multiple of 4, or a known kind's body is too short
    /// for its counts.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out RtcpPacket packet)
    {
        packet = default;
        if (data.Length < HeaderLength || data[0] >> 6 != 2)
        {
            return false;
        }

        int length = (BinaryPrimitives.ReadUInt16BigEndian(data[2..]) + 1) * 4;
        if (length > data.Length)
        {
            return false;
        }

        var content = data[..length];
        if ((data[0] & 0x20) != 0)
        {
            // RFC 3550 §6.4.1: the last octet counts the padding octets, itself included. Every RTCP packet's body is
            // 32-bit aligned, so padding that leaves it unaligned is malformed (a relay copying such a body would write a
            // length field that no longer covers it).
            int padding = content[^1];
            if (padding == 0 || padding > length - HeaderLength || padding % 4 != 0)
            {
                return false;
            }

            content = content[..^padding];
        }

        if (!TryClassify(content, out var kind))
        {
            return false;
        }

        packet = new RtcpPacket(content, length, kind);
        return true;
    }

    private static bool TryClassify(ReadOnlySpan<byte> content, out RtcpPacketKind kind)
    {
        int count = content[0] & 0x1F;
        int length = content.Length;
        kind = RtcpPacketKind.Other;
        switch (content[1])
        {
            case RtcpPacketType.SenderReport:
                kind = RtcpPacketKind.SenderReport;
                return length >= SenderReportFixedLength + (count * RtcpReportBlock.Length);
            case RtcpPacketType.ReceiverReport:
                kind = RtcpPacketKind.ReceiverReport;
                return length >= ReceiverReportFixedLength + (count * RtcpReportBlock.Length);
            case RtcpPacketType.SourceDescription:
                kind = RtcpPacketKind.SourceDescription;
                return RtcpSdesChunkEnumerator.IsWellFormed(content[HeaderLength..], count);
            case RtcpPacketType.Goodbye:
                kind = RtcpPacketKind.Goodbye;
                int reasonOffset = HeaderLength + (4 * count);
                return length == reasonOffset || (length > reasonOffset && reasonOffset + 1 + content[reasonOffset] <= length);
            case RtcpPacketType.TransportFeedback:
                if (length < FeedbackHeaderLength)
                {
                    return false;
                }

                switch (count)
                {
                    case RtcpFeedbackFormat.GenericNack:
                        kind = RtcpPacketKind.GenericNack;
                        return (length - FeedbackHeaderLength) % 4 == 0;
                    case RtcpFeedbackFormat.TransportWideCc:
                        // Base sequence number, status count, reference time and feedback count come first.
                        kind = RtcpPacketKind.TransportWideCc;
                        return length >= FeedbackHeaderLength + 8;
                    default:
                        return true;
                }

            case RtcpPacketType.PayloadFeedback:
                if (length < FeedbackHeaderLength)
                {
                    return false;
                }

                switch (count)
                {
                    case RtcpFeedbackFormat.PictureLossIndication:
                        kind = RtcpPacketKind.PictureLossIndication;
                        return true;
                    case RtcpFeedbackFormat.FullIntraRequest:
                        kind = RtcpPacketKind.FullIntraRequest;
                        return (length - FeedbackHeaderLength) % 8 == 0;
                    case RtcpFeedbackFormat.ApplicationLayer
                        when length >= FeedbackHeaderLength + 4
                            && BinaryPrimitives.ReadUInt32BigEndian(content[FeedbackHeaderLength..]) == RembIdentifier:
                        kind = RtcpPacketKind.Remb;
                        return length >= RembFixedLength && length >= RembFixedLength + (4 * content[16]);
                    default:
                        return true;
                }

            default:
                return true;
        }
    }
}
