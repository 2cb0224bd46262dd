using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using One2One.MediaServer.Rtc.Dtls.Records;

namespace One2One.MediaServer.Rtc.Dtls.Handshake;

/// <summary>
/// Authenticates the browser's certificate the WebRTC way: not by a CA but by the fingerprint its offer announced
/// (RFC 8122 §5, RFC 8827 §6.5). Stateless.
/// </summary>
internal static class ClientCertificateCheck
{
    private const string EcPublicKey = "1.2.840.10045.2.1";
    private const string RsaEncryption = "1.2.840.113549.1.1.1";

    /// <summary>
    /// The certificate, loaded for its public key, if its DER matches one of <paramref name="expected"/> and it has an
    /// ECDSA or RSA key; otherwise the fatal alert to send and why.
    /// </summary>
    public static X509Certificate2 Authenticate(ReadOnlySpan<byte> der, IReadOnlyList<DtlsFingerprint> expected)
    {
        var matches = false;
        foreach (var fingerprint in expected)
        {
            matches |= fingerprint.Matches(der);
        }

        if (!matches)
        {
            var actual = DtlsFingerprint.Compute(expected[0].HashFunction, der);
            throw new DtlsAlertException(DtlsAlertDescription.BadCertificate,
                $"the client certificate's fingerprint {actual} does not match the offer's a=fingerprint {string.Join(" / ", expected)}");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            throw new DtlsAlertException(DtlsAlertDescription.BadCertificate, "the client certificate matches the fingerprint but is not a readable X.509 certificate");
        }

        var algorithm = certificate.PublicKey.Oid.Value;
        if (algorithm is not (EcPublicKey or RsaEncryption))
        {
            var name = certificate.PublicKey.Oid.FriendlyName ?? algorithm;
            certificate.Dispose();
            throw new DtlsAlertException(DtlsAlertDescription.UnsupportedCertificate, $"the client certificate's key ({name}) is neither ECDSA nor RSA");
        }

        return certificate;
    }
}
