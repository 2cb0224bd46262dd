using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// The SRTP key derivation of RFC 3711 §4.3 with key derivation rate 0, and the AES-CM PRF of §4.3.3.
/// RFC 7714 §11 uses it unchanged for AEAD_AES_128_GCM; its 96-bit master salt is zero-padded on the
/// right to 112 bits, as libsrtp (and so every browser) does.
/// </summary>
internal static class SrtpKeyDerivation
{
    // RFC 3711 §4.3.1 and §4.3.2.
    public const byte RtpEncryptionLabel = 0x00;
    public const byte RtpAuthenticationLabel = 0x01;
    public const byte RtpSaltLabel = 0x02;
    public const byte RtcpEncryptionLabel = 0x03;
    public const byte RtcpAuthenticationLabel = 0x04;
    public const byte RtcpSaltLabel = 0x05;

    private const int BlockSize = 16;

    /// <summary>Derives all six session keys of a profile from its master key and salt.</summary>
    public static SrtpSessionKeys DeriveSessionKeys(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        using var aes = CreatePrf(masterKey);
        int keyLength = profile.MasterKeyLength();
        int saltLength = profile.MasterSaltLength();
        int authenticationLength = profile.AuthenticationKeyLength();
        return new SrtpSessionKeys(
            Derive(aes, masterSalt, RtpEncryptionLabel, keyLength),
            Derive(aes, masterSalt, RtpSaltLabel, saltLength),
            Derive(aes, masterSalt, RtpAuthenticationLabel, authenticationLength),
            Derive(aes, masterSalt, RtcpEncryptionLabel, keyLength),
            Derive(aes, masterSalt, RtcpSaltLabel, saltLength),
            Derive(aes, masterSalt, RtcpAuthenticationLabel, authenticationLength));
    }

    /// <summary>One session key: the AES-CM keystream under the master key with x = label XOR master salt as IV.</summary>
    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> destination)
    {
        using var aes = CreatePrf(masterKey);
        Prf(aes, masterSalt, label, destination);
    }

    private static byte[] Derive(Aes aes, ReadOnlySpan<byte> masterSalt, byte label, int length)
    {
        var key = new byte[length];
        Prf(aes, masterSalt, label, key);
        return key;
    }

    private static Aes CreatePrf(ReadOnlySpan<byte> masterKey)
    {
        var aes = Aes.Create();
        aes.Key = masterKey.ToArray();
        return aes;
    }

    private static void Prf(Aes aes, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> destination)
    {
        if (masterSalt.Length > 14)
        {
            throw new ArgumentException("A master salt is at most 112 bits.", nameof(masterSalt));
        }

        // §4.3.1: key_id = label || r (r = 0 at rate 0) is right-aligned in the 112-bit salt, so the label
        // lands on its byte 7; §4.3.3: the PRF is AES-CM with IV = x * 2^16.
        if (destination.IsEmpty)
        {
            return;
        }

        int blocks = (destination.Length + BlockSize - 1) / BlockSize;
        var counters = new byte[blocks * BlockSize];
        for (int i = 0; i < blocks; i++)
        {
            var block = counters.AsSpan(i * BlockSize, BlockSize);
            masterSalt.CopyTo(block);
            block[7] ^= label;
            block[14] = (byte)(i >> 8);
            block[15] = (byte)i;
        }

        var keystream = aes.EncryptEcb(counters, PaddingMode.None);
        keystream.AsSpan(0, destination.Length).CopyTo(destination);
        CryptographicOperations.ZeroMemory(keystream);
    }
}

/// <summary>The session keys of one SRTP context (RFC 3711 §4.3); AEAD profiles have no authentication keys.</summary>
internal sealed class SrtpSessionKeys(
    byte[] rtpEncryptionKey,
    byte[] rtpSalt,
    byte[] rtpAuthenticationKey,
    byte[] rtcpEncryptionKey,
    byte[] rtcpSalt,
    byte[] rtcpAuthenticationKey)
{
    public byte[] RtpEncryptionKey { get; } = rtpEncryptionKey;

    public byte[] RtpSalt { get; } = rtpSalt;

    public byte[] RtpAuthenticationKey { get; } = rtpAuthenticationKey;

    public byte[] RtcpEncryptionKey { get; } = rtcpEncryptionKey;

    public byte[] RtcpSalt { get; } = rtcpSalt;

    public byte[] RtcpAuthenticationKey { get; } = rtcpAuthenticationKey;

    /// <summary>Zeroes every key once the ciphers hold their own copies.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(RtpEncryptionKey);
        CryptographicOperations.ZeroMemory(RtpSalt);
        CryptographicOperations.ZeroMemory(RtpAuthenticationKey);
        CryptographicOperations.ZeroMemory(RtcpEncryptionKey);
        CryptographicOperations.ZeroMemory(RtcpSalt);
        CryptographicOperations.ZeroMemory(RtcpAuthenticationKey);
    }
}
