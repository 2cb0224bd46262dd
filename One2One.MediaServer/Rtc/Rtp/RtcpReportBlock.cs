using System.Buffers.Binary;

namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>One reception report block of an SR or RR (RFC 3550 §6.4.1).</summary>
internal readonly record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    public const int Length = 24;

    internal static RtcpReportBlock Read(ReadOnlySpan<byte> block)
    {
        // Cumulative lost is a signed 24-bit field.
        int lost = (block[5] << 16) | (block[6] << 8) | block[7];
        if ((lost & 0x80_0000) != 0)
        {
            lost -= 0x100_0000;
        }

        return new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(block),
            block[4],
            lost,
            BinaryPrimitives.ReadUInt32BigEndian(block[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(block[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(block[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(block[20..]));
    }
}

/// <summary>The sender information of an SR (RFC 3550 §6.4.1).</summary>
internal readonly record struct RtcpSenderInfo(ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    public const int Length = 20;
}
