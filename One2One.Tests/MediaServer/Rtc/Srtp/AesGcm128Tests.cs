using System.Security.Cryptography;
using One2One.MediaServer.Rtc.Srtp;
using static One2One.Tests.MediaServer.Rtc.Srtp.SrtpTestPackets;

namespace One2One.Tests.MediaServer.Rtc.Srtp;

/// <summary>
/// The in-place GCM of SRTP against the GCM specification's own test cases (McGrew and Viega, "The Galois/Counter
/// Mode of Operation", test cases 2 to 4) and against the platform's <see cref="AesGcm"/> as an oracle.
/// </summary>
public class AesGcm128Tests
{
    /// <summary>The managed implementation where the CPU has AES-NI and PCLMULQDQ, and the platform's everywhere.</summary>
    public static TheoryData<bool> Implementations => new(Accelerated);

    private static bool[] Accelerated => AesGcm128.IsAcceleratedSupported ? [true, false] : [false];

    public static TheoryData<bool, string, string> SpecCases3And4
    {
        get
        {
            var cases = new TheoryData<bool, string, string>();
            foreach (var accelerated in Accelerated)
            {
                cases.Add(accelerated, "", "4d5c2af327cd64a62cf35abd2ba6fab4");
                cases.Add(accelerated, "feedfacedeadbeeffeedfacedeadbeefabaddad2", "5bc94fbc3221a5db94fae95ae7121a47");
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Gcm_spec_test_case_2_one_zero_block(bool accelerated)
    {
        var data = new byte[16];
        var tag = new byte[16];
        using var gcm = new AesGcm128(new byte[16], accelerated);

        gcm.Seal(new byte[12], data, tag, []);

        data.Should().Equal(Hex("0388dace60b6a392f328c2b971b2fe78"));
        tag.Should().Equal(Hex("ab6e47d42cec13bdf53a67b21257bddf"));
    }

    [Theory]
    [MemberData(nameof(SpecCases3And4))]
    public void Gcm_spec_test_cases_3_and_4_four_blocks_with_and_without_associated_data(bool accelerated, string associatedData, string expectedTag)
    {
        var key = Hex("feffe9928665731c6d6a8f9467308308");
        var nonce = Hex("cafebabefacedbaddecaf888");
        var plain = Hex("""
            d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
            1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255
            """);
        var aad = Hex(associatedData);
        var data = aad.Length == 0 ? plain : plain[..60]; // case 4 drops the last 4 bytes
        var tag = new byte[16];
        using var gcm = new AesGcm128(key, accelerated);

        gcm.Seal(nonce, data, tag, aad);

        data.Should().Equal(Hex("""
            42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e
            21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985
            """)[..data.Length]);
        tag.Should().Equal(Hex(expectedTag));
    }

    [Fact]
    public void Seals_like_the_platform_for_every_length_around_the_block_and_batch_sizes()
    {
        var random = new Random(7);
        for (int length = 0; length <= 200; length++)
        {
            var key = Bytes(random, 16);
            var nonce = Bytes(random, 12);
            var aad = Bytes(random, length % 41);
            var plain = Bytes(random, length);
            var expected = new byte[length];
            var expectedTag = new byte[16];
            using (var platform = new AesGcm(key, 16))
            {
                platform.Encrypt(nonce, plain, expected, expectedTag, aad);
            }

            var data = (byte[])plain.Clone();
            var tag = new byte[16];
            using var gcm = new AesGcm128(key, accelerated: AesGcm128.IsAcceleratedSupported);
            gcm.Seal(nonce, data, tag, aad);

            data.Should().Equal(expected, "the ciphertext of {0} bytes", length);
            tag.Should().Equal(expectedTag, "the tag over {0} bytes", length);
            gcm.TryOpen(nonce, data, tag, aad).Should().BeTrue();
            data.Should().Equal(plain);
        }
    }

    public static TheoryData<bool, int> Tampering
    {
        get
        {
            var cases = new TheoryData<bool, int>();
            foreach (var accelerated in Accelerated)
            {
                foreach (var flippedByte in new[] { 0, 5, 30 })
                {
                    cases.Add(accelerated, flippedByte);
                }
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Tampering))]
    public void A_flipped_bit_in_the_data_the_associated_data_the_tag_or_the_nonce_fails(bool accelerated, int flippedByte)
    {
        var random = new Random(11);
        var key = Bytes(random, 16);
        var nonce = Bytes(random, 12);
        var aad = Bytes(random, 12);
        var data = Bytes(random, 100);
        var tag = new byte[16];
        using var gcm = new AesGcm128(key, accelerated);
        gcm.Seal(nonce, data, tag, aad);
        var sealedData = (byte[])data.Clone();

        var badData = (byte[])data.Clone();
        badData[flippedByte] ^= 0x01;
        gcm.TryOpen(nonce, badData, tag, aad).Should().BeFalse();
        if (accelerated)
        {
            // The managed implementation checks the tag before it decrypts (the platform's zeroes the buffer).
            badData[flippedByte] ^= 0x01;
            badData.Should().Equal(sealedData);
        }

        var badAad = (byte[])aad.Clone();
        badAad[flippedByte % aad.Length] ^= 0x80;
        gcm.TryOpen(nonce, (byte[])data.Clone(), tag, badAad).Should().BeFalse();

        var badTag = (byte[])tag.Clone();
        badTag[flippedByte % tag.Length] ^= 0x10;
        gcm.TryOpen(nonce, (byte[])data.Clone(), badTag, aad).Should().BeFalse();

        var badNonce = (byte[])nonce.Clone();
        badNonce[flippedByte % nonce.Length] ^= 0x02;
        gcm.TryOpen(badNonce, (byte[])data.Clone(), tag, aad).Should().BeFalse();

        gcm.TryOpen(nonce, data, tag, aad).Should().BeTrue();
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
