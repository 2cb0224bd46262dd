using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>
/// The header of one RTP packet (RFC 3550 §5.1): fixed part, CSRC list and header extension (§5.3.1).
/// Parsing reads only the header, so it works on SRTP packets whose payload is still encrypted.
/// </summary>
internal readonly struct RtpHeader
{
    public const int FixedLength = 12;

    private RtpHeader(bool hasPadding, bool hasExtension, int csrcCount, bool marker, byte payloadType,
        ushort sequenceNumber, uint timestamp, uint ssrc, int length)
    {
        HasPadding = hasPadding;
        HasExtension = hasExtension;
        CsrcCount = csrcCount;
        Marker = marker;
        PayloadType = payloadType;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
        Ssrc = ssrc;
        Length = length;
    }

    public bool HasPadding { get; }

    public bool HasExtension { get; }

    public int CsrcCount { get; }

    public bool Marker { get; }

    public byte PayloadType { get; }

    public ushort SequenceNumber { get; }

    public uint Timestamp { get; }

    public uint Ssrc { get; }

    /// <summary>Fixed header, CSRC list and extension together: the offset of the payload.</summary>
    public int Length { get; }

    /// <summary>Reads the header; false when the version is not 2 or the header runs past the packet.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedLength || packet[0] >> 6 != 2)
        {
            return false;
        }

        byte first = packet[0];
        int csrcCount = first & 0x0F;
        bool hasExtension = (first & 0x10) != 0;
        int length = FixedLength + (4 * csrcCount);
        if (hasExtension)
        {
            // §5.3.1: 16-bit profile, 16-bit length in 32-bit words, not counting this 4-byte header.
            if (packet.Length < length + 4)
            {
                return false;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        if (length > packet.Length)
        {
            return false;
        }

        header = new RtpHeader(
            hasPadding: (first & 0x20) != 0,
            hasExtension,
            csrcCount,
            marker: (packet[1] & 0x80) != 0,
            payloadType: (byte)(packet[1] & 0x7F),
            sequenceNumber: BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            timestamp: BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            ssrc: BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            length);
        return true;
    }

    /// <summary>Rewrites the SSRC of a packet in place.</summary>
    public static void SetSsrc(Span<byte> packet, uint ssrc) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);

    /// <summary>Rewrites the payload type of a packet in place, keeping its marker bit.</summary>
    public static void SetPayloadType(Span<byte> packet, byte payloadType) =>
        packet[1] = (byte)((packet[1] & 0x80) | (payloadType & 0x7F));

    /// <summary>Rewrites the sequence number of a packet in place.</summary>
    public static void SetSequenceNumber(Span<byte> packet, ushort sequenceNumber) =>
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequenceNumber);

    /// <summary>Rewrites the timestamp of a packet in place.</summary>
    public static void SetTimestamp(Span<byte> packet, uint timestamp) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);
}
