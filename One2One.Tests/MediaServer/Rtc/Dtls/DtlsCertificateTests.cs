using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Crypto.Parameters;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class DtlsCertificateTests
{
    [Fact]
    public void A_new_certificate_is_a_self_signed_ECDSA_P256_certificate_for_a_year()
    {
        var now = new DateTimeOffset(2030, 5, 17, 12, 0, 0, TimeSpan.Zero);

        var certificate = DtlsCertificate.Create(new FakeTimeProvider(now));

        var x509 = certificate.Certificate;
        x509.SubjectDN.ToString().Should().Be("CN=One2One");
        x509.IssuerDN.ToString().Should().Be("CN=One2One");
        x509.SigAlgOid.Should().Be("1.2.840.10045.4.3.2", "ecdsa-with-SHA256");
        x509.GetPublicKey().Should().BeOfType<ECPublicKeyParameters>().Which.PublicKeyParamSet.Should().Be(SecObjectIdentifiers.SecP256r1);
        x509.Verify(x509.GetPublicKey());
        x509.SerialNumber.SignValue.Should().Be(1);
        certificate.NotBefore.Should().Be(now.AddDays(-1));
        certificate.NotAfter.Should().Be(now.AddDays(365));
        certificate.Fingerprint.Should().Be(DtlsFingerprint.Compute("sha-256", certificate.DerEncoded));
        certificate.Fingerprint.ToString().Should().MatchRegex("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$");
    }

    [Fact]
    public void The_certificate_is_readable_by_dotnet_as_an_ECDSA_certificate()
    {
        var certificate = DtlsCertificate.Create();

        using var loaded = X509CertificateLoader.LoadCertificate(certificate.DerEncoded);

        loaded.Subject.Should().Be("CN=One2One");
        using var key = loaded.GetECDsaPublicKey();
        key.Should().NotBeNull();
        key!.KeySize.Should().Be(256);
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
