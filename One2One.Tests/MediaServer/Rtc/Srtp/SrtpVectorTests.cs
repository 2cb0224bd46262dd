using One2One.MediaServer.Rtc.Srtp;
using static One2One.Tests.MediaServer.Rtc.Srtp.SrtpTestPackets;

namespace One2One.Tests.MediaServer.Rtc.Srtp;

/// <summary>Known answers: RFC 3711 Appendix B.2 and B.3, RFC 7714 §16 and §17, and libsrtp's own packet.</summary>
public class SrtpVectorTests
{
    private static readonly byte[] B2SessionKey = Hex("2B7E151628AED2A6ABF7158809CF4F3C");
    private static readonly byte[] B2SessionSalt = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
    private static readonly byte[] B2KeystreamStart = Hex("""
        E03EAD0935C95E80E166B16DD92B4EB4
        D23513162B02D0F72A43A2FE4A5F97AB
        41E95B3BB0A2E8DD477901E4FCA894C0
        """);

    private static readonly byte[] B3MasterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] B3MasterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");

    // RFC 7714 §16 and §17 give session keys, not master keys.
    private static readonly byte[] GcmKey = Hex("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] GcmSalt = Hex("517569642070726f2071756f"); // "Quid pro quo"

    private static readonly byte[] GcmRtpPlain = Hex("""
        8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973
        20646976 69736120 696e2070 61727465 73207472 6573
        """);

    private static readonly byte[] GcmRtpProtected = Hex("""
        8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca
        be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1
        6a9152cf 765ee439 0cce
        """);

    private static readonly byte[] GcmRtcpPlain = Hex("""
        81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930
        4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef
        """);

    private static readonly byte[] GcmRtcpProtected = Hex("""
        81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7
        6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458
        96cf4d2f c5abf872 45d9eade 800005d4
        """);

    /// <summary>AES-NI where the CPU has it, and the platform's AES everywhere.</summary>
    public static TheoryData<bool> AesImplementations => AesNi128.IsSupported ? new() { true, false } : new() { false };

    [Theory]
    [MemberData(nameof(AesImplementations))]
    public void Rfc3711_b2_the_aes_cm_keystream_starts_and_ends_as_tabulated(bool useAesNi)
    {
        using var cipher = new AesCounterMode(B2SessionKey, useAesNi);
        var keystream = new byte[1044512]; // 65282 blocks, the RFC's segment

        cipher.Transform(Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), keystream);

        keystream[..48].Should().Equal(B2KeystreamStart);
        keystream[^48..].Should().Equal(Hex("""
            EC8CDF7398607CB0F2D21675EA9EA1E4
            362B7C3C6773516318A077D7FC5073AE
            6A2CC3787889374FBEB4C81B17BA6C44
            """));
    }

    [Fact]
    public void Rfc3711_b2_a_zero_payload_from_ssrc_0_at_index_0_encrypts_to_the_keystream()
    {
        using var context = FromSessionKeys(SrtpProfile.AesCm128HmacSha1_80, B2SessionKey, B2SessionSalt, new byte[20]);
        var packet = new byte[12 + 48 + 10];
        packet[0] = 0x80;

        context.TryProtectRtp(packet, 12 + 48, out int length).Should().BeTrue();

        length.Should().Be(70);
        packet[12..60].Should().Equal(B2KeystreamStart);
    }

    [Fact]
    public void Rfc3711_b3_session_keys_derive_as_tabulated()
    {
        var cipherKey = new byte[16];
        var cipherSalt = new byte[14];
        var authenticationKey = new byte[94];

        SrtpKeyDerivation.Derive(B3MasterKey, B3MasterSalt, SrtpKeyDerivation.RtpEncryptionLabel, cipherKey);
        SrtpKeyDerivation.Derive(B3MasterKey, B3MasterSalt, SrtpKeyDerivation.RtpSaltLabel, cipherSalt);
        SrtpKeyDerivation.Derive(B3MasterKey, B3MasterSalt, SrtpKeyDerivation.RtpAuthenticationLabel, authenticationKey);

        cipherKey.Should().Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"));
        cipherSalt.Should().Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"));
        authenticationKey.Should().Equal(Hex("""
            CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE
            E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25
            6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2
            """));
    }

    [Fact]
    public void Rfc3711_b3_derivation_gives_the_session_keys_of_a_context()
    {
        var keys = SrtpKeyDerivation.DeriveSessionKeys(SrtpProfile.AesCm128HmacSha1_80, B3MasterKey, B3MasterSalt);

        keys.RtpEncryptionKey.Should().Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"));
        keys.RtpSalt.Should().Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"));
        keys.RtpAuthenticationKey.Should().Equal(Hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
        keys.RtcpEncryptionKey.Should().NotEqual(keys.RtpEncryptionKey, "SRTCP has labels of its own (§4.3.2)");
    }

    [Fact]
    public void Rfc7714_16_rtp_protects_to_the_tabulated_bytes_and_back()
    {
        using var sender = FromSessionKeys(SrtpProfile.AeadAes128Gcm, GcmKey, GcmSalt);
        using var receiver = FromSessionKeys(SrtpProfile.AeadAes128Gcm, GcmKey, GcmSalt);
        var buffer = new byte[GcmRtpProtected.Length];
        GcmRtpPlain.CopyTo(buffer, 0);

        sender.TryProtectRtp(buffer, GcmRtpPlain.Length, out int protectedLength).Should().BeTrue();
        buffer[..protectedLength].Should().Equal(GcmRtpProtected);

        receiver.TryUnprotectRtp(buffer, out int length).Should().BeTrue();
        buffer[..length].Should().Equal(GcmRtpPlain);
    }

    [Fact]
    public void Rfc7714_17_rtcp_with_index_0x5d4_protects_to_the_tabulated_bytes_and_back()
    {
        using var sender = FromSessionKeys(SrtpProfile.AeadAes128Gcm, GcmKey, GcmSalt);
        using var receiver = FromSessionKeys(SrtpProfile.AeadAes128Gcm, GcmKey, GcmSalt);
        var buffer = new byte[GcmRtcpProtected.Length];
        for (int index = 0; index < 0x5d4; index++)
        {
            // The SRTCP index is the count of compounds sent before from this SSRC ("Mars").
            GcmRtcpPlain.CopyTo(buffer, 0);
            sender.TryProtectRtcp(buffer, GcmRtcpPlain.Length, out _).Should().BeTrue();
        }

        GcmRtcpPlain.CopyTo(buffer, 0);
        sender.TryProtectRtcp(buffer, GcmRtcpPlain.Length, out int protectedLength).Should().BeTrue();
        buffer[..protectedLength].Should().Equal(GcmRtcpProtected);

        receiver.TryUnprotectRtcp(buffer, out int length).Should().BeTrue();
        buffer[..length].Should().Equal(GcmRtcpPlain);
    }

    [Fact]
    public void Libsrtp_test_packet_protects_to_its_bytes_from_the_b3_master_key()
    {
        // libsrtp test/srtp_driver.c: the AES_CM_128_HMAC_SHA1_80 reference packet, from master key to wire.
        var plain = Hex("800f1234decafbadcafebabeabababababababababababababababab");
        var expected = Hex("800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
        using var context = SrtpContext.Create(SrtpProfile.AesCm128HmacSha1_80, B3MasterKey, B3MasterSalt);
        var buffer = new byte[expected.Length];
        plain.CopyTo(buffer, 0);

        context.TryProtectRtp(buffer, plain.Length, out int length).Should().BeTrue();

        buffer[..length].Should().Equal(expected);
    }

    [Fact]
    public void Aead_derivation_zero_pads_the_96_bit_master_salt_like_libsrtp()
    {
        // RFC 7714 has no KDF vector; this session salt is what libsrtp-based stacks derive for
        // master key 00..0f and master salt 40..4b (label 2 on byte 7 of salt || 0000).
        var keys = SrtpKeyDerivation.DeriveSessionKeys(SrtpProfile.AeadAes128Gcm,
            Hex("000102030405060708090a0b0c0d0e0f"), Hex("404142434445464748494a4b"));

        keys.RtpSalt.Should().Equal(Hex("1fcd5d561e66dc49ec1c3ccb"));
        keys.RtpEncryptionKey.Should().HaveCount(16);
        keys.RtpAuthenticationKey.Should().BeEmpty();
    }
}
