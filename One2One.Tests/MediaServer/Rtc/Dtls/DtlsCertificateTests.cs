using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Dtls;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class DtlsCertificateTests
{
    [Fact]
    public void A_new_certificate_is_a_self_signed_ECDSA_P256_certificate_for_a_year()
    {
        var now = new DateTimeOffset(2030, 5, 17, 12, 0, 0, TimeSpan.Zero);

        var certificate = DtlsCertificate.Create(new FakeTimeProvider(now));

        using var x509 = X509CertificateLoader.LoadCertificate(certificate.DerEncoded);
        x509.Subject.Should().Be("CN=One2One");
        x509.Issuer.Should().Be("CN=One2One");
        x509.SignatureAlgorithm.Value.Should().Be("1.2.840.10045.4.3.2", "ecdsa-with-SHA256");
        using var key = x509.GetECDsaPublicKey()!;
        key.ExportParameters(false).Curve.Oid.Value.Should().Be("1.2.840.10045.3.1.7", "secp256r1");
        var serial = x509.GetSerialNumber(); // little-endian
        serial.Should().HaveCount(8);
        (serial[^1] & 0x80).Should().Be(0, "the serial is positive");
        certificate.NotBefore.Should().Be(now.AddDays(-1));
        certificate.NotAfter.Should().Be(now.AddDays(365));
        certificate.Fingerprint.Should().Be(DtlsFingerprint.Compute("sha-256", certificate.DerEncoded));
        certificate.Fingerprint.ToString().Should().MatchRegex("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$");
    }

    [Fact]
    public void The_certificate_is_self_signed_and_its_key_signs_what_it_verifies()
    {
        var certificate = DtlsCertificate.Create();
        using var x509 = X509CertificateLoader.LoadCertificate(certificate.DerEncoded);
        using var key = x509.GetECDsaPublicKey()!;

        // The self-signature: the TBS part signed by the certificate's own key.
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(x509);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.Build(x509).Should().BeTrue(string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));

        var data = "client_random server_random params"u8.ToArray();
        key.VerifyData(data, certificate.SignSha256(data), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence).Should().BeTrue();
    }

    [Fact]
    public void Each_certificate_has_its_own_key_and_serial()
    {
        var a = DtlsCertificate.Create();
        var b = DtlsCertificate.Create();

        a.Certificate.SerialNumber.Should().NotBe(b.Certificate.SerialNumber);
        a.Fingerprint.Should().NotBe(b.Fingerprint);
    }

    [Fact]
    public void The_shared_certificate_is_made_once_even_when_asked_for_concurrently()
    {
        var seen = new DtlsCertificate[16];

        Parallel.For(0, seen.Length, i => seen[i] = DtlsCertificate.Shared);

        seen.Should().AllSatisfy(c => c.Should().BeSameAs(DtlsCertificate.Shared));
    }
}
