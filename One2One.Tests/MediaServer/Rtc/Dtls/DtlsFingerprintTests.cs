using System.Text;
using One2One.MediaServer.Rtc.Dtls;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class DtlsFingerprintTests
{
    // FIPS 180-4 example digests of "abc" (NIST CSRC "Examples with Intermediate Values").
    [Theory]
    [InlineData("sha-1", "A9993E364706816ABA3E25717850C26C9CD0D89D")]
    [InlineData("sha-224", "23097D223405D8228642A477BDA255B32AADBCE4BDA0B3F7E36C9DA7")]
    [InlineData("sha-256", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData("sha-384", "CB00753F45A35E8BB5A03D699AC65007272C32AB0EDED1631A8B605A43FF5BED8086072BA1E7CC2358BAECA134C825A7")]
    [InlineData("sha-512", "DDAF35A193617ABACC417349AE20413112E6FA4E89A97EA20A9EEEE64B55D39A2192992A274FC1A836BA3C23A3FEEBBD454D4423643CE80E2A9AC94FA54CA49F")]
    public void Every_RFC_8122_hash_is_computed_and_written_in_SDP_form(string hash, string hex)
    {
        var fingerprint = DtlsFingerprint.Compute(hash, "abc"u8);

        fingerprint.HashFunction.Should().Be(hash);
        Convert.ToHexString(fingerprint.Value).Should().Be(hex);
        var expectedText = hash + " " + string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));
        fingerprint.ToString().Should().Be(expectedText);
        DtlsFingerprint.Parse(expectedText).Should().Be(fingerprint);
        fingerprint.Matches("abc"u8).Should().BeTrue();
        fingerprint.Matches("abd"u8).Should().BeFalse();
    }

    [Fact]
    public void Parsing_is_case_insensitive_and_writes_canonical_form()
    {
        var lower = DtlsFingerprint.Parse("SHA-1  a9:99:3e:36:47:06:81:6a:ba:3e:25:71:78:50:c2:6c:9c:d0:d8:9d ");

        lower.ToString().Should().Be("sha-1 A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D");
        lower.Should().Be(DtlsFingerprint.Compute("sha-1", "abc"u8));
        lower.GetHashCode().Should().Be(DtlsFingerprint.Compute("sha-1", "abc"u8).GetHashCode());
    }

    [Fact]
    public void A_certificate_matches_its_own_fingerprints_only()
    {
        var certificate = DtlsCertificate.Create();
        var other = DtlsCertificate.Create();

        certificate.Fingerprint.Matches(certificate.DerEncoded).Should().BeTrue();
        certificate.Fingerprint.Matches(other.DerEncoded).Should().BeFalse();
        DtlsFingerprint.Compute("sha-512", certificate.DerEncoded).Matches(certificate.DerEncoded).Should().BeTrue();
        DtlsFingerprint.Parse(certificate.Fingerprint.ToString()).Matches(certificate.DerEncoded).Should().BeTrue();
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("sha-256", "is not '<hash-function> <hex:pairs>'")]
    [InlineData("md5 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF", "not one of sha-1")]
    [InlineData("sha-256 00:11", "must have 32 hex pairs")]
    [InlineData("sha-1 A9-99-3E-36-47-06-81-6A-BA-3E-25-71-78-50-C2-6C-9C-D0-D8-9D", "malformed hex pair at position 2")]
    [InlineData("sha-1 ZZ:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D", "malformed hex pair at position 1")]
    public void Malformed_fingerprints_are_refused(string text, string reason)
    {
        DtlsFingerprint.TryParse(text, out var fingerprint, out var error).Should().BeFalse();
        fingerprint.Should().BeNull();
        error.Should().Contain(reason);
        var parse = () => DtlsFingerprint.Parse(text);
        parse.Should().Throw<FormatException>();
    }

    [Fact]
    public void Computing_with_an_unknown_hash_is_a_programming_error()
    {
        var compute = () => DtlsFingerprint.Compute("md5", Encoding.ASCII.GetBytes("abc"));
        compute.Should().Throw<ArgumentException>();
    }
}
