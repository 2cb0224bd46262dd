using System.Buffers.Binary;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// AEAD_AES_128_GCM (RFC 7714): 16-byte tag after the ciphertext; the header is associated data.
/// Nothing is allocated per packet (where <see cref="AesGcm128"/> falls back to the platform's
/// <see cref="AesGcm"/>, a failed authentication costs the exception it throws).
/// </summary>
internal sealed class AesGcmCipher : SrtpCipher
{
    private const int TagLength = 16;
    private const int NonceLength = 12;

    /// <summary>An SRTCP packet sent without encryption is associated data whole; larger ones are refused.</summary>
    private const int MaxUnencryptedRtcpLength = 1500;

    private readonly AesGcm128 _rtpGcm;
    private readonly AesGcm128 _rtcpGcm;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    public AesGcmCipher(SrtpSessionKeys keys)
    {
        _rtpGcm = new AesGcm128(keys.RtpEncryptionKey);
        _rtcpGcm = new AesGcm128(keys.RtcpEncryptionKey);
        _rtpSalt = (byte[])keys.RtpSalt.Clone();
        _rtcpSalt = (byte[])keys.RtcpSalt.Clone();
    }

    public override int RtpTagLength => TagLength;

    public override int RtcpTrailerLength => TagLength + SrtcpIndexLength;

    public override void ProtectRtp(Span<byte> packet, int headerLength, int payloadEnd, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtpNonce(ssrc, index, nonce);
        var payload = packet[headerLength..payloadEnd];
        _rtpGcm.Seal(nonce, payload, packet.Slice(payloadEnd, TagLength), packet[..headerLength]);
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtpNonce(ssrc, index, nonce);
        int payloadEnd = packet.Length - TagLength;
        var payload = packet[headerLength..payloadEnd];
        return _rtpGcm.TryOpen(nonce, payload, packet[payloadEnd..], packet[..headerLength]);
    }

    /// <summary>RFC 7714 §9: header | ciphertext | tag | E flag and index; the AAD is the header and that word.</summary>
    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        uint indexWord = EncryptedFlag | index;
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtcpNonce(ssrc, index, nonce);
        Span<byte> aad = stackalloc byte[RtcpHeaderLength + SrtcpIndexLength];
        packet[..RtcpHeaderLength].CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpHeaderLength..], indexWord);

        var payload = packet[RtcpHeaderLength..length];
        _rtcpGcm.Seal(nonce, payload, packet.Slice(length, TagLength), aad);
        BinaryPrimitives.WriteUInt32BigEndian(packet[(length + TagLength)..], indexWord);
        return length + RtcpTrailerLength;
    }

    public override uint ReadIndexWord(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[^SrtcpIndexLength..]);

    public override bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint indexWord)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtcpNonce(ssrc, indexWord & ~EncryptedFlag, nonce);
        int tagStart = packet.Length - RtcpTrailerLength;
        var tag = packet.Slice(tagStart, TagLength);

        if ((indexWord & EncryptedFlag) != 0)
        {
            Span<byte> aad = stackalloc byte[RtcpHeaderLength + SrtcpIndexLength];
            packet[..RtcpHeaderLength].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpHeaderLength..], indexWord);
            return _rtcpGcm.TryOpen(nonce, packet[RtcpHeaderLength..tagStart], tag, aad);
        }

        // RFC 7714 §9 with E = 0 (as libsrtp does it): the whole packet and the index word are the
        // associated data, the plaintext is empty, and the tag follows the packet.
        if (tagStart > MaxUnencryptedRtcpLength)
        {
            return false;
        }

        Span<byte> associated = stackalloc byte[MaxUnencryptedRtcpLength + SrtcpIndexLength];
        associated = associated[..(tagStart + SrtcpIndexLength)];
        packet[..tagStart].CopyTo(associated);
        BinaryPrimitives.WriteUInt32BigEndian(associated[tagStart..], indexWord);
        return _rtcpGcm.TryOpen(nonce, [], tag, associated);
    }

    public override void Dispose()
    {
        _rtpGcm.Dispose();
        _rtcpGcm.Dispose();
        CryptographicOperations.ZeroMemory(_rtpSalt);
        CryptographicOperations.ZeroMemory(_rtcpSalt);
    }

    /// <summary>RFC 7714 §8.1: (0x0000 || SSRC || ROC || SEQ) XOR salt.</summary>
    private void BuildRtpNonce(uint ssrc, ulong index, Span<byte> nonce)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], (ushort)index);
        XorSalt(nonce, _rtpSalt);
    }

    /// <summary>RFC 7714 §9.1: (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt.</summary>
    private void BuildRtcpNonce(uint ssrc, uint index, Span<byte> nonce)
    {
        nonce[0] = 0;
        nonce[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        nonce[6] = 0;
        nonce[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index);
        XorSalt(nonce, _rtcpSalt);
    }

    private static void XorSalt(Span<byte> nonce, ReadOnlySpan<byte> salt)
    {
        for (int i = 0; i < NonceLength; i++)
        {
            nonce[i] ^= salt[i];
        }
    }
}
