using System.Buffers.Binary;
using One2One.MediaServer.Rtc.Rtp;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>RTP packets shaped like a browser's.</summary>
internal static class RtpPackets
{
    /// <summary>An RTP packet with a one-byte header extension (RFC 8285, as browsers send) and the payload.</summary>
    public static byte[] Build(byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc, bool marker, ReadOnlySpan<byte> payload)
    {
        var packet = new byte[RtpHeader.FixedLength + 8 + payload.Length];
        packet[0] = 0x90; // V=2, X=1
        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);

        // 0xBEDE, one word: extension id 4 (sdes:mid) length 1, "0", padding.
        packet[12] = 0xBE;
        packet[13] = 0xDE;
        packet[14] = 0;
        packet[15] = 1;
        packet[16] = 0x40;
        packet[17] = (byte)'0';
        packet[18] = 0;
        packet[19] = 0;
        payload.CopyTo(packet.AsSpan(20));
        return packet;
    }
}
