using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using One2One.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using TlsHashAlgorithm = Org.BouncyCastle.Tls.HashAlgorithm;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>
/// A browser's DTLS certificate as the BouncyCastle test client uses it: the DER, the private key in BouncyCastle's
/// form, the signature scheme for CertificateVerify, and the fingerprint an offer would carry. ECDSA P-256 is what
/// browsers make by default; RTCPeerConnection.generateCertificate can also make RSA ones.
/// </summary>
internal sealed class TestClientCredential
{
    private static readonly Lazy<(byte[] Der, byte[] Key)> s_rsa = new(CreateRsa);

    private TestClientCredential(byte[] der, AsymmetricKeyParameter privateKey, SignatureAndHashAlgorithm signature)
    {
        CertificateDer = der;
        PrivateKey = privateKey;
        Signature = signature;
        Fingerprint = DtlsFingerprint.Compute("sha-256", der);
    }

    public byte[] CertificateDer { get; }

    public AsymmetricKeyParameter PrivateKey { get; }

    public SignatureAndHashAlgorithm Signature { get; }

    public DtlsFingerprint Fingerprint { get; }

    /// <summary>An RSA 2048 certificate signing CertificateVerify with rsa_pkcs1_sha256.</summary>
    public static TestClientCredential RsaPkcs1 => Rsa(new SignatureAndHashAlgorithm(TlsHashAlgorithm.sha256, SignatureAlgorithm.rsa));

    /// <summary>The same RSA certificate signing with rsa_pss_rsae_sha256, as BoringSSL prefers.</summary>
    public static TestClientCredential RsaPss => Rsa(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);

    /// <summary>An ECDSA P-256 certificate of ours, signing with ecdsa_secp256r1_sha256.</summary>
    public static TestClientCredential Ecdsa(DtlsCertificate certificate) => new(
        certificate.DerEncoded.ToArray(),
        PrivateKeyFactory.CreateKey(certificate.ExportPkcs8PrivateKey()),
        new SignatureAndHashAlgorithm(TlsHashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    /// <summary>The certificate of <paramref name="certificate"/> with the private key of <paramref name="key"/>: an impostor.</summary>
    public static TestClientCredential WithKeyOf(DtlsCertificate certificate, DtlsCertificate key) => new(
        certificate.DerEncoded.ToArray(),
        PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey()),
        new SignatureAndHashAlgorithm(TlsHashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    private static TestClientCredential Rsa(SignatureAndHashAlgorithm signature) =>
        new(s_rsa.Value.Der, PrivateKeyFactory.CreateKey(s_rsa.Value.Key), signature);

    private static (byte[] Der, byte[] Key) CreateRsa()
    {
        using var rsa = RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=WebRTC", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (certificate.RawData, rsa.ExportPkcs8PrivateKey());
    }
}
