using System.Buffers.Binary;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>
/// One packet of a received RTCP compound, read from the RFC 3550 §6.4 / RFC 4585 §6.1 layout independently of the
/// server's parser: the common header, the sender SSRC and (for feedback) the media SSRC.
/// </summary>
internal sealed record RtcpView(byte PacketType, int CountOrFormat, byte[] Bytes)
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte TransportFeedback = 205;
    public const byte PayloadFeedback = 206;

    public uint SenderSsrc => Word(4);

    /// <summary>The media source SSRC of a feedback packet (RFC 4585 §6.1).</summary>
    public uint MediaSsrc => Word(8);

    public bool IsPli => PacketType == PayloadFeedback && CountOrFormat == 1;

    public bool IsFir => PacketType == PayloadFeedback && CountOrFormat == 4;

    public bool IsRemb => PacketType == PayloadFeedback && CountOrFormat == 15 && Bytes.Length >= 16 && Bytes.AsSpan(12, 4).SequenceEqual("REMB"u8);

    public bool IsNack => PacketType == TransportFeedback && CountOrFormat == 1;

    /// <summary>The SSRC of report block <paramref name="index"/> of an SR or RR.</summary>
    public uint ReportBlockSsrc(int index) => Word((PacketType == SenderReport ? 28 : 8) + (24 * index));

    /// <summary>The SSRC of FIR entry <paramref name="index"/> (RFC 5104 §4.3.1.1).</summary>
    public uint FirSsrc(int index) => Word(12 + (8 * index));

    /// <summary>The SSRC list of a REMB (draft-alvestrand-rmcat-remb §2.2).</summary>
    /// <summary>The REMB's bitrate: an 18-bit mantissa shifted by a 6-bit exponent (draft-alvestrand-rmcat-remb-03 §2.2).</summary>
    public ulong RembBitrate => (ulong)(((Bytes[17] & 0x03) << 16) | (Bytes[18] << 8) | Bytes[19]) << (Bytes[17] >> 2);

    public uint[] RembSsrcs => [.. Enumerable.Range(0, Bytes[16]).Select(i => Word(20 + (4 * i)))];

    /// <summary>The first SDES chunk's SSRC.</summary>
    public uint FirstChunkSsrc => Word(4);

    public static List<RtcpView> Read(byte[] compound)
    {
        var packets = new List<RtcpView>();
        var offset = 0;
        while (offset + 4 <= compound.Length)
        {
            var length = (BinaryPrimitives.ReadUInt16BigEndian(compound.AsSpan(offset + 2)) + 1) * 4;
            if (offset + length > compound.Length)
            {
                throw new InvalidDataException($"RTCP packet at {offset} runs past the compound.");
            }

            packets.Add(new RtcpView(compound[offset + 1], compound[offset] & 0x1F, compound[offset..(offset + length)]));
            offset += length;
        }

        return packets;
    }

    public override string ToString() => $"RTCP pt {PacketType} fmt {CountOrFormat} sender {SenderSsrc} ({Bytes.Length} bytes)";

    private uint Word(int offset) => BinaryPrimitives.ReadUInt32BigEndian(Bytes.AsSpan(offset));
}
