using System.Globalization;
using System.Security.Cryptography;
using One2One.MediaServer.Rtc.Dtls.Crypto;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// A certificate fingerprint as SDP carries it (RFC 8122 §5): "sha-256 AB:CD:...", the hash of the
/// certificate's DER encoding. Immutable.
/// </summary>
internal sealed class DtlsFingerprint : IEquatable<DtlsFingerprint>
{
    private readonly byte[] _value;

    private DtlsFingerprint(string hashFunction, byte[] value)
    {
        HashFunction = hashFunction;
        _value = value;
    }

    /// <summary>The hash function's name in lower case, as the IANA "Hash Function Textual Names" registry spells it.</summary>
    public string HashFunction { get; }

    public ReadOnlySpan<byte> Value => _value;

    /// <summary>Hash names RFC 8122 allows for DTLS-SRTP, with their digest lengths; md5 and md2 are deliberately absent (RFC 8122 §5).</summary>
    public static int DigestLength(string hashFunction) => hashFunction.ToLowerInvariant() switch
    {
        "sha-1" => 20,
        "sha-224" => 28,
        "sha-256" => 32,
        "sha-384" => 48,
        "sha-512" => 64,
        _ => 0,
    };

    /// <summary>Computes the fingerprint of a DER-encoded certificate with the given hash function.</summary>
    public static DtlsFingerprint Compute(string hashFunction, ReadOnlySpan<byte> certificateDer)
    {
        var name = hashFunction.ToLowerInvariant();
        if (DigestLength(name) == 0)
        {
            throw new ArgumentException($"Unsupported fingerprint hash function '{hashFunction}'.", nameof(hashFunction));
        }

        return new DtlsFingerprint(name, Hash(name, certificateDer));
    }

    /// <summary>True when <paramref name="certificateDer"/> hashes, with this fingerprint's function, to this value.</summary>
    public bool Matches(ReadOnlySpan<byte> certificateDer) =>
        CryptographicOperations.FixedTimeEquals(Hash(HashFunction, certificateDer), _value);

    /// <summary>Parses the value of an a=fingerprint attribute: "&lt;hash-func&gt; &lt;hex pairs separated by colons&gt;".</summary>
    public static bool TryParse(string? text, out DtlsFingerprint? fingerprint, out string? error)
    {
        fingerprint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the fingerprint is empty";
            return false;
        }

        var trimmed = text.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            error = $"the fingerprint '{Shorten(trimmed)}' is not '<hash-function> <hex:pairs>'";
            return false;
        }

        var hash = trimmed[..space].ToLowerInvariant();
        var length = DigestLength(hash);
        if (length == 0)
        {
            error = $"the fingerprint hash function '{Shorten(trimmed[..space])}' is not one of sha-1, sha-224, sha-256, sha-384, sha-512";
            return false;
        }

        var hex = trimmed[(space + 1)..].Trim();
        if (hex.Length != length * 3 - 1)
        {
            error = $"the {hash} fingerprint must have {length} hex pairs separated by ':'";
            return false;
        }

        var value = new byte[length];
        for (var i = 0; i < length; i++)
        {
            var at = i * 3;
            if ((i > 0 && hex[at - 1] != ':')
                || !byte.TryParse(hex.AsSpan(at, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value[i]))
            {
                error = $"the {hash} fingerprint has a malformed hex pair at position {i + 1}";
                return false;
            }
        }

        fingerprint = new DtlsFingerprint(hash, value);
        error = null;
        return true;
    }

    public static DtlsFingerprint Parse(string text) =>
        TryParse(text, out var fingerprint, out var error) ? fingerprint! : throw new FormatException("Invalid DTLS fingerprint: " + error);

    /// <summary>The SDP form: "sha-256 AB:CD:..." with upper-case hex, as browsers write it.</summary>
    public override string ToString()
    {
        var hex = Convert.ToHexString(_value);
        var text = new System.Text.StringBuilder(HashFunction.Length + 1 + _value.Length * 3);
        text.Append(HashFunction).Append(' ');
        for (var i = 0; i < hex.Length; i += 2)
        {
            if (i > 0)
            {
                text.Append(':');
            }

            text.Append(hex, i, 2);
        }

        return text.ToString();
    }

    public bool Equals(DtlsFingerprint? other) =>
        other is not null && HashFunction == other.HashFunction && _value.AsSpan().SequenceEqual(other._value);

    public override bool Equals(object? obj) => Equals(obj as DtlsFingerprint);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(HashFunction);
        hash.AddBytes(_value);
        return hash.ToHashCode();
    }

    private static byte[] Hash(string hashFunction, ReadOnlySpan<byte> data) => hashFunction switch
    {
        "sha-1" => SHA1.HashData(data),
        "sha-224" => Sha224.HashData(data),
        "sha-256" => SHA256.HashData(data),
        "sha-384" => SHA384.HashData(data),
        "sha-512" => SHA512.HashData(data),
        _ => throw new ArgumentException($"Unsupported fingerprint hash function '{hashFunction}'.", nameof(hashFunction)),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
