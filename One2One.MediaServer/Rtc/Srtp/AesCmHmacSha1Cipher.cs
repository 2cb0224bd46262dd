using System.Buffers.Binary;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>AES_CM_128 with HMAC-SHA1 (RFC 3711 §4.1.1, §4.2.1), 80- or 32-bit SRTP tag, 80-bit SRTCP tag.</summary>
internal sealed class AesCmHmacSha1Cipher : SrtpCipher
{
    private const int MacLength = HmacSha1.Length;
    private const int SrtcpTagLength = 10;
    private const int MaxRtpTagLength = 10;
    private const int RocLength = 4;

    private readonly AesCounterMode _rtpCipher;
    private readonly AesCounterMode _rtcpCipher;
    private readonly HmacSha1 _rtpMac;
    private readonly HmacSha1 _rtcpMac;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    public AesCmHmacSha1Cipher(SrtpSessionKeys keys, int rtpTagLength)
    {
        RtpTagLength = rtpTagLength;
        _rtpCipher = new AesCounterMode(keys.RtpEncryptionKey);
        _rtcpCipher = new AesCounterMode(keys.RtcpEncryptionKey);
        _rtpMac = new HmacSha1(keys.RtpAuthenticationKey);
        _rtcpMac = new HmacSha1(keys.RtcpAuthenticationKey);
        _rtpSalt = (byte[])keys.RtpSalt.Clone();
        _rtcpSalt = (byte[])keys.RtcpSalt.Clone();
    }

    public override int RtpTagLength { get; }

    public override int RtcpTrailerLength => SrtcpIndexLength + SrtcpTagLength;

    public override void ProtectRtp(Span<byte> packet, int headerLength, int payloadEnd, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        BuildIv(_rtpSalt, ssrc, index, iv);
        _rtpCipher.Transform(iv, packet[headerLength..payloadEnd]);

        // The ROC goes where the tag will be, so the MAC reads one contiguous span (RFC 3711 §4.2: M = packet || ROC).
        Span<byte> mac = stackalloc byte[MacLength];
        BinaryPrimitives.WriteUInt32BigEndian(packet[payloadEnd..], (uint)(index >> 16));
        ComputeRtpMac(packet[..(payloadEnd + RocLength)], mac);
        mac[..RtpTagLength].CopyTo(packet[payloadEnd..]);
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        // The ROC goes over the start of the tag for the MAC (one contiguous span); the tag is put back after.
        int payloadEnd = packet.Length - RtpTagLength;
        Span<byte> tag = stackalloc byte[MaxRtpTagLength];
        tag = tag[..RtpTagLength];
        packet[payloadEnd..].CopyTo(tag);
        BinaryPrimitives.WriteUInt32BigEndian(packet[payloadEnd..], (uint)(index >> 16));
        Span<byte> mac = stackalloc byte[MacLength];
        ComputeRtpMac(packet[..(payloadEnd + RocLength)], mac);
        tag.CopyTo(packet[payloadEnd..]);
        if (!CryptographicOperations.FixedTimeEquals(mac[..RtpTagLength], tag))
        {
            return false;
        }

        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        BuildIv(_rtpSalt, ssrc, index, iv);
        _rtpCipher.Transform(iv, packet[headerLength..payloadEnd]);
        return true;
    }

    /// <summary>RFC 3711 §3.4: header | encrypted part | E flag and index | tag over all before it.</summary>
    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        BuildIv(_rtcpSalt, ssrc, index, iv);
        _rtcpCipher.Transform(iv, packet[RtcpHeaderLength..length]);
        BinaryPrimitives.WriteUInt32BigEndian(packet[length..], EncryptedFlag | index);

        int authenticatedEnd = length + SrtcpIndexLength;
        Span<byte> mac = stackalloc byte[MacLength];
        HashRtcp(packet[..authenticatedEnd], mac);
        mac[..SrtcpTagLength].CopyTo(packet[authenticatedEnd..]);
        return authenticatedEnd + SrtcpTagLength;
    }

    public override uint ReadIndexWord(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[^RtcpTrailerLength..]);

    public override bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint indexWord)
    {
        int authenticatedEnd = packet.Length - SrtcpTagLength;
        Span<byte> mac = stackalloc byte[MacLength];
        HashRtcp(packet[..authenticatedEnd], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..SrtcpTagLength], packet[authenticatedEnd..]))
        {
            return false;
        }

        if ((indexWord & EncryptedFlag) != 0)
        {
            Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
            BuildIv(_rtcpSalt, ssrc, indexWord & ~EncryptedFlag, iv);
            _rtcpCipher.Transform(iv, packet[RtcpHeaderLength..(authenticatedEnd - SrtcpIndexLength)]);
        }

        return true;
    }

    public override void Dispose()
    {
        _rtpCipher.Dispose();
        _rtcpCipher.Dispose();
        _rtpMac.Dispose();
        _rtcpMac.Dispose();
        CryptographicOperations.ZeroMemory(_rtpSalt);
        CryptographicOperations.ZeroMemory(_rtcpSalt);
    }

    /// <summary>RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).</summary>
    private static void BuildIv(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> iv)
    {
        salt.CopyTo(iv);
        iv[14] = 0;
        iv[15] = 0;
        for (int i = 0; i < 4; i++)
        {
            iv[4 + i] ^= (byte)(ssrc >> (24 - (8 * i)));
        }

        for (int i = 0; i < 6; i++)
        {
            iv[8 + i] ^= (byte)(index >> (40 - (8 * i)));
        }
    }

    /// <summary>RFC 3711 §4.2: HMAC-SHA1 over the authenticated portion followed by the ROC, given as one span.</summary>
    private void ComputeRtpMac(ReadOnlySpan<byte> authenticatedAndRoc, Span<byte> mac) => _rtpMac.Compute(authenticatedAndRoc, mac);

    private void HashRtcp(ReadOnlySpan<byte> authenticated, Span<byte> mac) => _rtcpMac.Compute(authenticated, mac);
}
