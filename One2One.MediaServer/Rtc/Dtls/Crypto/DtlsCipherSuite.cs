using System.Security.Cryptography;

namespace One2One.MediaServer.Rtc.Dtls.Crypto;

/// <summary>
/// A cipher suite this server negotiates: ECDHE key exchange, ECDSA authentication of the server, AES-GCM records
/// (RFC 5289, RFC 5288). The hash is the suite's PRF hash, also used for the Finished and extended-master-secret
/// transcript hashes. Immutable.
/// </summary>
internal sealed class DtlsCipherSuite
{
    /// <summary>RFC 5288 §3: the implicit part of the GCM nonce, from the key block.</summary>
    public const int FixedIvLength = 4;

    public static readonly DtlsCipherSuite EcdheEcdsaAes128GcmSha256 =
        new(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 16, HashAlgorithmName.SHA256, 32);

    public static readonly DtlsCipherSuite EcdheEcdsaAes256GcmSha384 =
        new(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", 32, HashAlgorithmName.SHA384, 48);

    /// <summary>Ours, in order: the client's order does not matter (AES-128 first, as Chrome and Firefox list it).</summary>
    public static readonly IReadOnlyList<DtlsCipherSuite> ServerPreference = [EcdheEcdsaAes128GcmSha256, EcdheEcdsaAes256GcmSha384];

    private DtlsCipherSuite(ushort id, string name, int keyLength, HashAlgorithmName hash, int hashLength)
    {
        Id = id;
        Name = name;
        KeyLength = keyLength;
        Hash = hash;
        HashLength = hashLength;
    }

    /// <summary>The IANA value.</summary>
    public ushort Id { get; }

    public string Name { get; }

    /// <summary>The AES key length in bytes.</summary>
    public int KeyLength { get; }

    public HashAlgorithmName Hash { get; }

    public int HashLength { get; }

    /// <summary>RFC 5246 §6.3 for an AEAD suite: two write keys and two fixed IVs, no MAC keys.</summary>
    public int KeyBlockLength => 2 * (KeyLength + FixedIvLength);

    public override string ToString() => Name;
}
