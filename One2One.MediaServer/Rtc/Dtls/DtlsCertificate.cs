using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// The self-signed ECDSA P-256 certificate our DTLS server presents; the browser checks it against the
/// a=fingerprint of our answer (RFC 8122, RFC 8827 §6.5), so no CA is involved. Immutable; <see cref="SignSha256"/>
/// may be called from any thread: .NET does not promise that one key object signs concurrently, so each concurrent
/// signer takes its own copy from a bag (as many as handshakes ever signed at once, no lock to wait on).
/// </summary>
internal sealed class DtlsCertificate
{
    private static readonly Lazy<DtlsCertificate> s_shared = new(() => Create(TimeProvider.System), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly byte[] _der;
    private readonly ECParameters _privateKey;
    private readonly ConcurrentBag<ECDsa> _signers = [];

    private DtlsCertificate(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _privateKey = key.ExportParameters(includePrivateParameters: true);
        _signers.Add(key);
        _der = certificate.RawData;
        Fingerprint = DtlsFingerprint.Compute("sha-256", _der);
    }

    /// <summary>One certificate for the whole process, made on first use.</summary>
    public static DtlsCertificate Shared => s_shared.Value;

    /// <summary>The certificate without its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public ReadOnlySpan<byte> DerEncoded => _der;

    /// <summary>The sha-256 fingerprint; <c>Fingerprint.ToString()</c> is the a=fingerprint value ("sha-256 AB:CD:...").</summary>
    public DtlsFingerprint Fingerprint { get; }

    public DateTimeOffset NotBefore => Certificate.NotBefore;

    public DateTimeOffset NotAfter => Certificate.NotAfter;

    /// <summary>A new key pair and certificate: CN=One2One, random positive 64-bit serial, valid from a day ago to a year ahead.</summary>
    public static DtlsCertificate Create(TimeProvider? timeProvider = null)
    {
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();

        // A named curve (not explicit parameters) so that every browser accepts the key.
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedName("CN=One2One");
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        var serial = RandomNumberGenerator.GetBytes(8);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01); // positive DER INTEGER of full length, never zero
        using var signed = request.Create(name, X509SignatureGenerator.CreateForECDsa(key), now.AddDays(-1), now.AddDays(365), serial);
        return new DtlsCertificate(X509CertificateLoader.LoadCertificate(signed.RawData), key);
    }

    /// <summary>An ecdsa_secp256r1_sha256 signature (RFC 8446 §4.2.3), DER-encoded as TLS carries it (RFC 8422 §5.4).</summary>
    public byte[] SignSha256(ReadOnlySpan<byte> data)
    {
        if (!_signers.TryTake(out var signer))
        {
            signer = ECDsa.Create(_privateKey);
        }

        try
        {
            return signer.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        finally
        {
            _signers.Add(signer);
        }
    }

    /// <summary>The private key as PKCS#8, for tests that hand this certificate to another DTLS implementation.</summary>
    internal byte[] ExportPkcs8PrivateKey()
    {
        using var key = ECDsa.Create(_privateKey);
        return key.ExportPkcs8PrivateKey();
    }
}
