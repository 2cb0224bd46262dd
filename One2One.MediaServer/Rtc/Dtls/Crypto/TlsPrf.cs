using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Dtls.Crypto;

/// <summary>
/// The TLS 1.2 pseudorandom function (RFC 5246 §5): PRF(secret, label, seed) = P_hash(secret, label + seed), where
/// P_hash(secret, s) = HMAC(secret, A(1) + s) + HMAC(secret, A(2) + s) + ..., A(0) = s, A(i) = HMAC(secret, A(i-1)).
/// The hash is the cipher suite's (SHA-256, or SHA-384 for the _SHA384 suites). Stateless; allocates only the HMAC.
/// </summary>
internal static class TlsPrf
{
    private const int MaxHashLength = 64;

    public static void Compute(HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> seed, Span<byte> output) =>
        Compute(hash, secret, label, seed, [], output);

    /// <summary>The seed in two parts (for example client_random + server_random), so callers need not concatenate them.</summary>
    public static void Compute(
        HashAlgorithmName hash, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> seed1, ReadOnlySpan<byte> seed2, Span<byte> output)
    {
        using var hmac = IncrementalHash.CreateHMAC(hash, secret);
        var hashLength = hmac.HashLengthInBytes;
        Span<byte> a = stackalloc byte[MaxHashLength];
        Span<byte> block = stackalloc byte[MaxHashLength];
        a = a[..hashLength];
        block = block[..hashLength];

        // A(1) = HMAC(secret, label + seed)
        hmac.AppendData(label);
        hmac.AppendData(seed1);
        hmac.AppendData(seed2);
        hmac.GetHashAndReset(a);

        var written = 0;
        while (written < output.Length)
        {
            hmac.AppendData(a);
            hmac.AppendData(label);
            hmac.AppendData(seed1);
            hmac.AppendData(seed2);
            hmac.GetHashAndReset(block);
            var take = Math.Min(hashLength, output.Length - written);
            block[..take].CopyTo(output[written..]);
            written += take;

            hmac.AppendData(a);
            hmac.GetHashAndReset(a);
        }

        CryptographicOperations.ZeroMemory(a);
        CryptographicOperations.ZeroMemory(block);
    }
}
