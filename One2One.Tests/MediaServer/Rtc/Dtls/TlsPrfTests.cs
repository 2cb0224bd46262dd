using System.Security.Cryptography;
using One2One.MediaServer.Rtc.Dtls.Crypto;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class TlsPrfTests
{
    // The TLS 1.2 PRF vectors posted to the IETF TLS list (msg03416, "TLS 1.2 PRF test vectors"), label "test label".
    [Theory]
    [InlineData("SHA256", "9bbe436ba940f017b17652849a71db35", "a0ba9f936cda311827a6f796ffd5198c",
        "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66")]
    [InlineData("SHA384", "b80b733d6ceefcdc71566ea48e5567df", "cd665cf6a8447dd6ff8b27555edb7465",
        "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f")]
    public void The_PRF_matches_the_published_vectors(string hash, string secret, string seed, string expected)
    {
        var output = new byte[expected.Length / 2];

        TlsPrf.Compute(new HashAlgorithmName(hash), Convert.FromHexString(secret), "test label"u8, Convert.FromHexString(seed), output);

        Convert.ToHexStringLower(output).Should().Be(expected);
    }

    [Fact]
    public void A_seed_in_two_parts_is_the_same_as_one_and_a_short_output_is_a_prefix()
    {
        var seed = Convert.FromHexString("a0ba9f936cda311827a6f796ffd5198c");
        var whole = new byte[100];
        var parts = new byte[100];
        var prefix = new byte[7];

        TlsPrf.Compute(HashAlgorithmName.SHA256, Convert.FromHexString("9bbe436ba940f017b17652849a71db35"), "test label"u8, seed, whole);
        TlsPrf.Compute(HashAlgorithmName.SHA256, Convert.FromHexString("9bbe436ba940f017b17652849a71db35"), "test label"u8, seed[..5], seed[5..], parts);
        TlsPrf.Compute(HashAlgorithmName.SHA256, Convert.FromHexString("9bbe436ba940f017b17652849a71db35"), "test label"u8, seed, prefix);

        parts.Should().Equal(whole);
        prefix.Should().Equal(whole[..7]);
    }

    // pion/dtls's TestExportKeyingMaterial: AES_128_GCM_SHA256, an empty master secret, randoms of gmt_unix_time 1000
    // (client) and 500 (server) followed by 28 zero bytes, label EXTRACTOR-dtls_srtp, 10 bytes. The server's
    // export (client_random + server_random) is 61099d...; swapping the randoms gives the other vector.
    [Theory]
    [InlineData(1000, 500, "61099d7dcb08522ce77b")]
    [InlineData(500, 1000, "87f04002f61cf1fe8c77")]
    public void The_exporter_matches_the_published_DTLS_SRTP_vector(int clientTime, int serverTime, string expected)
    {
        var exported = TlsKeySchedule.Export(DtlsCipherSuite.EcdheEcdsaAes128GcmSha256, [], "EXTRACTOR-dtls_srtp",
            Random(clientTime), Random(serverTime), 10);

        Convert.ToHexStringLower(exported).Should().Be(expected);
    }

    [Theory]
    [InlineData("master secret")]
    [InlineData("key expansion")]
    [InlineData("client finished")]
    public void The_exporter_refuses_the_labels_TLS_itself_uses(string label)
    {
        var export = () => TlsKeySchedule.Export(DtlsCipherSuite.EcdheEcdsaAes128GcmSha256, new byte[48], label, new byte[32], new byte[32], 10);

        export.Should().Throw<ArgumentException>();
    }

    private static byte[] Random(int gmtUnixTime)
    {
        var random = new byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(random, gmtUnixTime);
        return random;
    }
}
