using System.Buffers.Binary;
using System.Security.Cryptography;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.MediaServer.Rtc.Dtls.Records;

/// <summary>
/// AES-GCM protection of one direction's records in one epoch (RFC 5288 §3 with DTLS's seq_num, RFC 6347 §4.1.2.1):
/// the record body is nonce_explicit (8) || ciphertext || tag (16); the nonce is the 4-byte fixed IV || nonce_explicit;
/// the additional data is epoch || sequence_number || type || version || plaintext length. We send epoch ||
/// sequence_number as nonce_explicit, which never repeats under one key. Used by one thread at a time (the session's).
/// <para>
/// AES-128 (the suite browsers get) runs on SRTP's <see cref="AesGcm128"/> where <see cref="AcceleratedAes"/> allows:
/// it checks the tag before it decrypts, so a forged record costs a GHASH and no exception. AES-256, or a CPU without
/// AES-NI, has only the platform's <see cref="AesGcm"/>, which throws for every record that does not authenticate;
/// <see cref="RefusesWithoutException"/> tells the record layer to bound how often that may happen.
/// </para>
/// </summary>
internal sealed class DtlsRecordProtection : IDisposable
{
    public const int ExplicitNonceLength = 8;
    public const int TagLength = 16;
    public const int Overhead = ExplicitNonceLength + TagLength;

    private const int NonceLength = 12;
    private const int AdditionalDataLength = 13;

    private readonly AesGcm128? _accelerated;
    private readonly AesGcm? _platform;
    private readonly byte[] _fixedIv;

    public DtlsRecordProtection(ReadOnlySpan<byte> key, ReadOnlySpan<byte> fixedIv)
        : this(key, fixedIv, accelerated: key.Length == 16 && AcceleratedAes.IsEnabled)
    {
    }

    /// <summary>Tests pick the implementation; <paramref name="accelerated"/> needs a 16-byte key and <see cref="AesGcm128.IsAcceleratedSupported"/>.</summary>
    internal DtlsRecordProtection(ReadOnlySpan<byte> key, ReadOnlySpan<byte> fixedIv, bool accelerated)
    {
        if (accelerated)
        {
            _accelerated = new AesGcm128(key, accelerated: true);
        }
        else
        {
            _platform = new AesGcm(key, TagLength);
        }

        _fixedIv = fixedIv.ToArray();
    }

    /// <summary>True when a record that does not authenticate is refused without an exception (our AES-NI GCM).</summary>
    public bool RefusesWithoutException => _accelerated is not null;

    /// <summary>
    /// Encrypts in place: <paramref name="body"/> holds the plaintext at offset <see cref="ExplicitNonceLength"/> and
    /// must have room for the tag after it; on return it is the record body (<paramref name="plaintextLength"/> +
    /// <see cref="Overhead"/> bytes).
    /// </summary>
    public void Seal(DtlsContentType type, ushort epoch, long sequenceNumber, Span<byte> body, int plaintextLength)
    {
        DtlsRecordHeader.WriteSequence(body, epoch, sequenceNumber);
        Span<byte> nonce = stackalloc byte[NonceLength];
        _fixedIv.CopyTo(nonce);
        body[..ExplicitNonceLength].CopyTo(nonce[4..]);
        Span<byte> additionalData = stackalloc byte[AdditionalDataLength];
        WriteAdditionalData(additionalData, type, DtlsRecordHeader.Dtls12, epoch, sequenceNumber, plaintextLength);
        var plaintext = body.Slice(ExplicitNonceLength, plaintextLength);
        var tag = body.Slice(ExplicitNonceLength + plaintextLength, TagLength);
        if (_accelerated is not null)
        {
            _accelerated.Seal(nonce, plaintext, tag, additionalData);
        }
        else
        {
            _platform!.Encrypt(nonce, plaintext, plaintext, tag, additionalData);
        }
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

        Span<byte> nonce = stackalloc byte[NonceLength];
        _fixedIv.CopyTo(nonce);
        body[..ExplicitNonceLength].CopyTo(nonce[4..]);
        Span<byte> additionalData = stackalloc byte[AdditionalDataLength];
        WriteAdditionalData(additionalData, header.ContentType, header.Version, header.Epoch, header.SequenceNumber, length);
        var ciphertext = body.Slice(ExplicitNonceLength, length);
        var tag = body[^TagLength..];
        if (_accelerated is not null)
        {
            // In place in the caller's buffer; on a mismatch it is left holding the ciphertext, which is no secret.
            ciphertext.CopyTo(plaintext);
            if (_accelerated.TryOpen(nonce, plaintext[..length], tag, additionalData))
            {
                return true;
            }

            length = 0;
            return false;
        }

        try
        {
            _platform!.Decrypt(nonce, ciphertext, tag, plaintext[..length], additionalData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext[..length]);
            length = 0;
            return false;
        }
    }

    public void Dispose()
    {
        _accelerated?.Dispose();
        _platform?.Dispose();
    }

    private static void WriteAdditionalData(Span<byte> destination, DtlsContentType type, ushort version, ushort epoch, long sequenceNumber, int length)
    {
        DtlsRecordHeader.WriteSequence(destination, epoch, sequenceNumber);
        destination[8] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[9..], version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[11..], (ushort)length);
    }
}
