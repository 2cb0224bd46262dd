using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// AEAD_AES_128_GCM (NIST SP 800-38D) in place with a 12-byte nonce and a 16-byte tag, as SRTP uses it
/// (RFC 7714). Where <see cref="AcceleratedAes"/> allows it, in managed code (<see cref="AesNi128"/>,
/// <see cref="Ghash"/>): the platform's <see cref="AesGcm"/> spends more on its half-dozen calls into OpenSSL
/// per packet than on the cipher. Otherwise it is that platform class. Opening checks the tag before it
/// decrypts, so a forged packet costs no exception and leaves the buffer as it was.
/// One thread at a time, like the context that owns it.
/// </summary>
internal sealed class AesGcm128 : IDisposable
{
    public const int TagLength = 16;
    public const int NonceLength = 12;

    private readonly AesNi128? _aes;
    private readonly Ghash? _ghash;
    private readonly AesGcm? _platform;

    public AesGcm128(ReadOnlySpan<byte> key)
        : this(key, AcceleratedAes.IsEnabled)
    {
    }

    /// <summary>Tests pick the implementation; <paramref name="accelerated"/> needs <see cref="IsAcceleratedSupported"/>.</summary>
    internal AesGcm128(ReadOnlySpan<byte> key, bool accelerated)
    {
        if (accelerated)
        {
            _aes = new AesNi128(key);
            _ghash = new Ghash(_aes.Encrypt(Vector128<byte>.Zero));
        }
        else
        {
            _platform = new AesGcm(key, TagLength);
        }
    }

    /// <summary>The CPU has what the managed implementation needs.</summary>
    public static bool IsAcceleratedSupported => AesNi128.IsSupported && Ghash.IsSupported;

    /// <summary>Encrypts <paramref name="data"/> in place and writes the tag over it and <paramref name="associatedData"/>.</summary>
    public void Seal(ReadOnlySpan<byte> nonce, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        if (_aes is null)
        {
            _platform!.Encrypt(nonce, data, data, tag, associatedData);
            return;
        }

        var preCounter = PreCounterBlock(nonce, 1);
        _aes.XorKeystream(PreCounterBlock(nonce, 2), data);
        (_ghash!.Compute(associatedData, data) ^ _aes.Encrypt(preCounter)).CopyTo(tag[..TagLength]);
    }

    /// <summary>Checks the tag and then decrypts <paramref name="data"/> in place; false, with the data untouched, on a mismatch.</summary>
    public bool TryOpen(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        if (_aes is null)
        {
            try
            {
                _platform!.Decrypt(nonce, data, tag, data, associatedData);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }

        if (tag.Length != TagLength)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[TagLength];
        (_ghash!.Compute(associatedData, data) ^ _aes.Encrypt(PreCounterBlock(nonce, 1))).CopyTo(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return false;
        }

        _aes.XorKeystream(PreCounterBlock(nonce, 2), data);
        return true;
    }

    public void Dispose()
    {
        _aes?.Dispose();
        _ghash?.Dispose();
        _platform?.Dispose();
    }

    /// <summary>SP 800-38D §7.1: J0 = IV || 0^31 || 1 for a 96-bit IV; the payload's keystream starts at inc32(J0).</summary>
    private static Vector128<byte> PreCounterBlock(ReadOnlySpan<byte> nonce, byte counter)
    {
        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException("GCM here takes a 12-byte nonce.", nameof(nonce));
        }

        Span<byte> block = stackalloc byte[16];
        nonce.CopyTo(block);
        block[12] = 0;
        block[13] = 0;
        block[14] = 0;
        block[15] = counter;
        return Vector128.Create((ReadOnlySpan<byte>)block);
    }
}
