using System.Buffers.Binary;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Dtls.Records;

/// <summary>
/// AES-GCM protection of one direction's records in one epoch (RFC 5288 §3 with DTLS's seq_num, RFC 6347 §4.1.2.1):
/// the record body is nonce_explicit (8) || ciphertext || tag (16); the nonce is the 4-byte fixed IV || nonce_explicit;
/// the additional data is epoch || sequence_number || type || version || plaintext length. We send epoch ||
/// sequence_number as nonce_explicit, which never repeats under one key. Used by one thread at a time (the session's).
/// </summary>
internal sealed class DtlsRecordProtection : IDisposable
{
    public const int ExplicitNonceLength = 8;
    public const int TagLength = 16;
    public const int Overhead = ExplicitNonceLength + TagLength;

    private const int AdditionalDataLength = 13;

    private readonly AesGcm _aes;
    private readonly byte[] _fixedIv;

    public DtlsRecordProtection(ReadOnlySpan<byte> key, ReadOnlySpan<byte> fixedIv)
    {
        _aes = new AesGcm(key, TagLength);
        _fixedIv = fixedIv.ToArray();
    }

    /// <summary>
    /// Encrypts in place: <paramref name="body"/> holds the plaintext at offset <see cref="ExplicitNonceLength"/> and
    /// must have room for the tag after it; on return it is the record body (<paramref name="plaintextLength"/> +
    /// <see cref="Overhead"/> bytes).
    /// </summary>
    public void Seal(DtlsContentType type, ushort epoch, long sequenceNumber, Span<byte> body, int plaintextLength)
    {
        DtlsRecordHeader.WriteSequence(body, epoch, sequenceNumber);
        Span<byte> nonce = stackalloc byte[12];
        _fixedIv.CopyTo(nonce);
        body[..ExplicitNonceLength].CopyTo(nonce[4..]);
        Span<byte> additionalData = stackalloc byte[AdditionalDataLength];
        WriteAdditionalData(additionalData, type, DtlsRecordHeader.Dtls12, epoch, sequenceNumber, plaintextLength);
        var plaintext = body.Slice(ExplicitNonceLength, plaintextLength);
        _aes.Encrypt(nonce, plaintext, plaintext, body.Slice(ExplicitNonceLength + plaintextLength, TagLength), additionalData);
    }

    /// <summary>Decrypts and authenticates a record body into <paramref name="plaintext"/>; false if it does not authenticate.</summary>
    public bool TryOpen(in DtlsRecordHeader header, ReadOnlySpan<byte> body, Span<byte> plaintext, out int length)
    {
        length = body.Length - Overhead;
        if (length < 0 || plaintext.Length < length)
        {
            length = 0;
            return false;
        }

        Span<byte> nonce = stackalloc byte[12];
        _fixedIv.CopyTo(nonce);
        body[..ExplicitNonceLength].CopyTo(nonce[4..]);
        Span<byte> additionalData = stackalloc byte[AdditionalDataLength];
        WriteAdditionalData(additionalData, header.ContentType, header.Version, header.Epoch, header.SequenceNumber, length);
        try
        {
            _aes.Decrypt(nonce, body.Slice(ExplicitNonceLength, length), body[^TagLength..], plaintext[..length], additionalData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext[..length]);
            length = 0;
            return false;
        }
    }

    public void Dispose() => _aes.Dispose();

    private static void WriteAdditionalData(Span<byte> destination, DtlsContentType type, ushort version, ushort epoch, long sequenceNumber, int length)
    {
        DtlsRecordHeader.WriteSequence(destination, epoch, sequenceNumber);
        destination[8] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[9..], version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[11..], (ushort)length);
    }
}
