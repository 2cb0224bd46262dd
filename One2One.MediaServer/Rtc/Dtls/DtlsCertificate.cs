using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// The self-signed ECDSA P-256 certificate our DTLS server presents; the browser checks it against the
/// a=fingerprint of our answer (RFC 8122, RFC 8827 §6.5), so no CA is involved. Immutable.
/// </summary>
internal sealed class DtlsCertificate
{
    private static readonly Lazy<DtlsCertificate> s_shared = new(() => Create(TimeProvider.System), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly byte[] _der;

    private DtlsCertificate(X509Certificate certificate, AsymmetricKeyParameter privateKey)
    {
        Certificate = certificate;
        PrivateKey = privateKey;
        _der = certificate.GetEncoded();
        Fingerprint = DtlsFingerprint.Compute("sha-256", _der);
    }

    /// <summary>One certificate for the whole process, made on first use (key generation costs a few milliseconds).</summary>
    public static DtlsCertificate Shared => s_shared.Value;

    public X509Certificate Certificate { get; }

    public AsymmetricKeyParameter PrivateKey { get; }

    public ReadOnlySpan<byte> DerEncoded => _der;

    /// <summary>The sha-256 fingerprint; <c>Fingerprint.ToString()</c> is the a=fingerprint value ("sha-256 AB:CD:...").</summary>
    public DtlsFingerprint Fingerprint { get; }

    public DateTimeOffset NotBefore => Certificate.NotBefore;

    public DateTimeOffset NotAfter => Certificate.NotAfter;

    /// <summary>A new key pair and certificate: CN=One2One, random serial, valid from a day ago to a year ahead.</summary>
    public static DtlsCertificate Create(TimeProvider? timeProvider = null)
    {
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var random = new SecureRandom();

        // A named curve (not explicit parameters) so that every browser accepts the key.
        var keys = new ECKeyPairGenerator("EC");
        keys.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var pair = keys.GenerateKeyPair();

        var name = new X509Name("CN=One2One");
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(now.AddDays(-1));
        generator.SetNotAfter(now.AddDays(365));
        generator.SetPublicKey(pair.Public);
        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", pair.Private, random));
        return new DtlsCertificate(certificate, pair.Private);
    }
}
