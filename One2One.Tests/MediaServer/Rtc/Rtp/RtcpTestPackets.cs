using System.Buffers.Binary;
using System.Text;

namespace One2One.Tests.MediaServer.Rtc.Rtp;

/// <summary>Hand-built RTCP packets, laid out from the RFCs independently of RtcpWriter.</summary>
internal static class RtcpTestPackets
{
    public static byte[] SenderReport(uint sender, params uint[] reportedSsrcs)
    {
        var body = new List<byte>();
        body.AddRange(Word(sender));
        body.AddRange(Word(0xE1234567));   // NTP seconds
        body.AddRange(Word(0x89ABCDEF));   // NTP fraction
        body.AddRange(Word(123456));       // RTP timestamp
        body.AddRange(Word(1000));         // packet count
        body.AddRange(Word(160000));       // octet count
        foreach (uint ssrc in reportedSsrcs)
        {
            body.AddRange(ReportBlock(ssrc));
        }

        return Packet(reportedSsrcs.Length, 200, body);
    }

    public static byte[] ReceiverReport(uint sender, params uint[] reportedSsrcs)
    {
        var body = new List<byte>(Word(sender));
        foreach (uint ssrc in reportedSsrcs)
        {
            body.AddRange(ReportBlock(ssrc));
        }

        return Packet(reportedSsrcs.Length, 201, body);
    }

    /// <summary>Fraction lost 0x10, cumulative lost -2, highest sequence, jitter, LSR and DLSR derived from the SSRC.</summary>
    public static byte[] ReportBlock(uint ssrc)
    {
        var block = new byte[24];
        BinaryPrimitives.WriteUInt32BigEndian(block, ssrc);
        block[4] = 0x10;
        block[5] = 0xFF;
        block[6] = 0xFF;
        block[7] = 0xFE;
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(8), ssrc ^ 0x0001_0000);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(12), 77);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(16), 0xAABBCCDD);
        BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(20), 0x00010000);
        return block;
    }

    public static byte[] SourceDescription(params (uint Ssrc, string Cname)[] chunks)
    {
        var body = new List<byte>();
        foreach (var (ssrc, cname) in chunks)
        {
            body.AddRange(Word(ssrc));
            body.Add(1);
            body.Add((byte)cname.Length);
            body.AddRange(Encoding.ASCII.GetBytes(cname));
            body.Add(0);
            while (body.Count % 4 != 0)
            {
                body.Add(0);
            }
        }

        return Packet(chunks.Length, 202, body);
    }

    public static byte[] Goodbye(string? reason, params uint[] ssrcs)
    {
        var body = new List<byte>();
        foreach (uint ssrc in ssrcs)
        {
            body.AddRange(Word(ssrc));
        }

        if (reason is not null)
        {
            body.Add((byte)reason.Length);
            body.AddRange(Encoding.ASCII.GetBytes(reason));
            while (body.Count % 4 != 0)
            {
                body.Add(0);
            }
        }

        return Packet(ssrcs.Length, 203, body);
    }

    public static byte[] GenericNack(uint sender, uint media, params (ushort PacketId, ushort Bitmask)[] items)
    {
        var body = Feedback(sender, media);
        foreach (var (packetId, bitmask) in items)
        {
            body.Add((byte)(packetId >> 8));
            body.Add((byte)packetId);
            body.Add((byte)(bitmask >> 8));
            body.Add((byte)bitmask);
        }

        return Packet(1, 205, body);
    }

    public static byte[] TransportWideCc(uint sender, uint media)
    {
        var body = Feedback(sender, media);
        body.AddRange(Convert.FromHexString("0001000400102003d9000000")); // base 1, count 4, ref time, fb count 3, run-length chunk
        return Packet(15, 205, body);
    }

    public static byte[] PictureLossIndication(uint sender, uint media) => Packet(1, 206, Feedback(sender, media));

    public static byte[] FullIntraRequest(uint sender, params (uint Ssrc, byte Sequence)[] entries)
    {
        var body = Feedback(sender, 0);
        foreach (var (ssrc, sequence) in entries)
        {
            body.AddRange(Word(ssrc));
            body.AddRange(new byte[] { sequence, 0, 0, 0 });
        }

        return Packet(4, 206, body);
    }

    /// <summary>REMB with exponent and mantissa as given (bitrate = mantissa * 2^exponent).</summary>
    public static byte[] Remb(uint sender, int exponent, int mantissa, params uint[] ssrcs)
    {
        var body = Feedback(sender, 0);
        body.AddRange("REMB"u8.ToArray());
        body.Add((byte)ssrcs.Length);
        body.Add((byte)((exponent << 2) | (mantissa >> 16)));
        body.Add((byte)(mantissa >> 8));
        body.Add((byte)mantissa);
        foreach (uint ssrc in ssrcs)
        {
            body.AddRange(Word(ssrc));
        }

        return Packet(15, 206, body);
    }

    public static byte[] Application(uint ssrc) =>
        Packet(0, 204, [.. Word(ssrc), .. "name"u8.ToArray(), 1, 2, 3, 4]);

    public static byte[] Compound(params byte[][] packets) => packets.SelectMany(p => p).ToArray();

    public static uint Ssrc(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static List<byte> Feedback(uint sender, uint media) => [.. Word(sender), .. Word(media)];

    private static byte[] Packet(int countOrFormat, byte type, List<byte> body)
    {
        var packet = new byte[4 + body.Count];
        packet[0] = (byte)(0x80 | countOrFormat);
        packet[1] = type;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)((packet.Length / 4) - 1));
        body.CopyTo(packet, 4);
        return packet;
    }

    private static byte[] Word(uint value)
    {
        var word = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, value);
        return word;
    }
}
