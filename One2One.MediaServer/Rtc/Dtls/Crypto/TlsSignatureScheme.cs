using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace One2One.MediaServer.Rtc.Dtls.Crypto;

/// <summary>
/// The SignatureScheme values (RFC 8446 §4.2.3, which also names the TLS 1.2 SignatureAndHashAlgorithm pairs of
/// RFC 5246 §7.4.1.4.1) that we sign with and accept in the client's CertificateVerify.
/// </summary>
internal static class TlsSignatureScheme
{
    public const ushort RsaPkcs1Sha256 = 0x0401;
    public const ushort RsaPkcs1Sha384 = 0x0501;
    public const ushort RsaPkcs1Sha512 = 0x0601;
    public const ushort EcdsaSecp256r1Sha256 = 0x0403;
    public const ushort EcdsaSecp384r1Sha384 = 0x0503;
    public const ushort RsaPssRsaeSha256 = 0x0804;
    public const ushort RsaPssRsaeSha384 = 0x0805;
    public const ushort RsaPssRsaeSha512 = 0x0806;

    /// <summary>
    /// What our CertificateRequest lists for the client's CertificateVerify: ECDSA (browsers' default P-256 keys) and
    /// RSA in both paddings (RTCPeerConnection.generateCertificate can make RSA keys). RFC 8446 §4.2.3 allows the
    /// rsa_pss_rsae schemes in TLS 1.2. No SHA-1.
    /// </summary>
    public static readonly ushort[] ClientCertificateVerify =
    [
        EcdsaSecp256r1Sha256, RsaPssRsaeSha256, RsaPkcs1Sha256,
        EcdsaSecp384r1Sha384, RsaPssRsaeSha384, RsaPkcs1Sha384,
        RsaPssRsaeSha512, RsaPkcs1Sha512,
    ];

    /// <summary>
    /// Verifies a CertificateVerify signature with the certificate's public key. False for a scheme we did not offer,
    /// a scheme that does not fit the key, or a signature that does not verify (malformed ones included).
    /// </summary>
    public static bool Verify(ushort scheme, X509Certificate2 certificate, ReadOnlySpan<byte> signedData, ReadOnlySpan<byte> signature)
    {
        try
        {
            switch (scheme)
            {
                case EcdsaSecp256r1Sha256 or EcdsaSecp384r1Sha384:
                {
                    using var ecdsa = certificate.GetECDsaPublicKey();
                    return ecdsa is not null
                        && ecdsa.VerifyData(signedData, signature, Hash(scheme), DSASignatureFormat.Rfc3279DerSequence);
                }

                case RsaPkcs1Sha256 or RsaPkcs1Sha384 or RsaPkcs1Sha512:
                {
                    using var rsa = certificate.GetRSAPublicKey();
                    return rsa is not null && rsa.VerifyData(signedData, signature, Hash(scheme), RSASignaturePadding.Pkcs1);
                }

                case RsaPssRsaeSha256 or RsaPssRsaeSha384 or RsaPssRsaeSha512:
                {
                    // RFC 8446 §4.2.3: the salt is as long as the digest, which is what .NET's PSS padding uses.
                    using var rsa = certificate.GetRSAPublicKey();
                    return rsa is not null && rsa.VerifyData(signedData, signature, Hash(scheme), RSASignaturePadding.Pss);
                }

                default:
                    return false;
            }
        }
        catch (Exception e) when (e is CryptographicException or NotSupportedException)
        {
            // A key the platform cannot use (an unusual curve) fails like a bad signature.
            return false;
        }
    }

    public static string Name(ushort scheme) => scheme switch
    {
        RsaPkcs1Sha256 => "rsa_pkcs1_sha256",
        RsaPkcs1Sha384 => "rsa_pkcs1_sha384",
        RsaPkcs1Sha512 => "rsa_pkcs1_sha512",
        EcdsaSecp256r1Sha256 => "ecdsa_secp256r1_sha256",
        EcdsaSecp384r1Sha384 => "ecdsa_secp384r1_sha384",
        RsaPssRsaeSha256 => "rsa_pss_rsae_sha256",
        RsaPssRsaeSha384 => "rsa_pss_rsae_sha384",
        RsaPssRsaeSha512 => "rsa_pss_rsae_sha512",
        _ => "0x" + scheme.ToString("X4", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static HashAlgorithmName Hash(ushort scheme) => (scheme >> 8) switch
    {
        0x04 => HashAlgorithmName.SHA256,
        0x05 => HashAlgorithmName.SHA384,
        0x06 => HashAlgorithmName.SHA512,
        _ => scheme switch
        {
            RsaPssRsaeSha256 => HashAlgorithmName.SHA256,
            RsaPssRsaeSha384 => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA512,
        },
    };
}
