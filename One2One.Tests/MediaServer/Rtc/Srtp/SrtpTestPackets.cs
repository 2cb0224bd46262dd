using System.Buffers.Binary;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Tests.MediaServer.Rtc.Srtp;

internal static class SrtpTestPackets
{
    /// <summary>The DTLS-SRTP ids of every profile, for theories (the enum itself is internal).</summary>
    public static TheoryData<int> Profiles => new() { 0x0001, 0x0002, 0x0007 };

    public static byte[] Hex(string text) =>
        Convert.FromHexString(string.Concat(text.Where(Uri.IsHexDigit)));

    public static SrtpContext Context(int profileId, int seed = 1, int maxStreams = SrtpContext.DefaultMaxStreams)
    {
        var profile = (SrtpProfile)profileId;
        var random = new Random(seed);
        var key = new byte[profile.MasterKeyLength()];
        var salt = new byte[profile.MasterSaltLength()];
        random.NextBytes(key);
        random.NextBytes(salt);
        return SrtpContext.Create(profile, key, salt, maxStreams);
    }

    /// <summary>A context straight from session keys, as the RFC vectors give them (same keys for RTP and RTCP).</summary>
    public static SrtpContext FromSessionKeys(SrtpProfile profile, byte[] key, byte[] salt, byte[]? authenticationKey = null) =>
        new(profile, new SrtpSessionKeys(key, salt, authenticationKey ?? [], key, salt, authenticationKey ?? []));

    /// <summary>An RTP packet (PT 96, payload from <paramref name="seed"/>) in a buffer with 64 spare bytes.</summary>
    public static byte[] PlainRtp(uint ssrc, ushort sequenceNumber, int payloadLength = 160, int seed = 0)
    {
        var buffer = new byte[12 + payloadLength + 64];
        buffer[0] = 0x80;
        buffer[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), sequenceNumber * 3000u);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8), ssrc);
        new Random(seed ^ sequenceNumber).NextBytes(buffer.AsSpan(12, payloadLength));
        return buffer;
    }

    /// <summary>An RR from <paramref name="ssrc"/> with one report block, in a buffer with 64 spare bytes.</summary>
    public static byte[] PlainRtcp(uint ssrc, int seed = 0)
    {
        var buffer = new byte[32 + 64];
        buffer[0] = 0x81;
        buffer[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), 7);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), ssrc);
        new Random(seed).NextBytes(buffer.AsSpan(8, 24));
        return buffer;
    }

    /// <summary>Protects <paramref name="plain"/>[..length] and returns the protected bytes alone.</summary>
    public static byte[] ProtectRtp(SrtpContext context, byte[] plain, int length)
    {
        var buffer = (byte[])plain.Clone();
        context.TryProtectRtp(buffer, length, out int protectedLength).Should().BeTrue();
        return buffer[..protectedLength];
    }

    public static byte[] ProtectRtcp(SrtpContext context, byte[] plain, int length)
    {
        var buffer = (byte[])plain.Clone();
        context.TryProtectRtcp(buffer, length, out int protectedLength).Should().BeTrue();
        return buffer[..protectedLength];
    }
}
