using System.Security.Cryptography;
using System.Text;
using One2One.MediaServer.Rtc.Srtp;
using static One2One.Tests.MediaServer.Rtc.Srtp.SrtpTestPackets;

namespace One2One.Tests.MediaServer.Rtc.Srtp;

/// <summary>SRTP's HMAC-SHA1 against RFC 2202's test cases and against the platform's <see cref="HMACSHA1"/> as an oracle.</summary>
public class HmacSha1Tests
{
    /// <summary>Straight into libcrypto where it is there, and the platform's HMAC everywhere.</summary>
    public static TheoryData<bool> Implementations => new(Native);

    public static TheoryData<bool, string, string, string> Rfc2202
    {
        get
        {
            var cases = new TheoryData<bool, string, string, string>();
            foreach (var native in Native)
            {
                cases.Add(native, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", Convert.ToHexString("Hi There"u8), "b617318655057264e28bc0b6fb378c8ef146be00");
                cases.Add(native, Convert.ToHexString("Jefe"u8), Convert.ToHexString("what do ya want for nothing?"u8), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
                cases.Add(native, new string('a', 40), new string('d', 100), "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
                cases.Add(native, new string('a', 160), Convert.ToHexString("Test Using Larger Than Block-Size Key - Hash Key First"u8), "aa4ae5e15272d00e95705637ce8a3b55ed402112");
            }

            return cases;
        }
    }

    private static bool[] Native => OpenSslSha1.IsAvailable ? [true, false] : [false];

    [Theory]
    [MemberData(nameof(Rfc2202))]
    public void Rfc2202_test_cases_1_2_3_and_6(bool native, string key, string data, string digest)
    {
        using var hmac = new HmacSha1(Hex(key), native);
        var mac = new byte[HmacSha1.Length];

        hmac.Compute(Hex(data), mac);

        mac.Should().Equal(Hex(digest));
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Matches_the_platform_for_every_length_and_for_short_block_sized_and_long_keys(bool native)
    {
        var random = new Random(5);
        foreach (var keyLength in new[] { 0, 20, 64, 65, 100 })
        {
            var key = new byte[keyLength];
            random.NextBytes(key);
            using var hmac = new HmacSha1(key, native);
            for (int length = 0; length <= 200; length++)
            {
                var message = new byte[length];
                random.NextBytes(message);
                var mac = new byte[HmacSha1.Length];

                hmac.Compute(message, mac);

                mac.Should().Equal(HMACSHA1.HashData(key, message), "a {0}-byte message under a {1}-byte key", length, keyLength);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Each_message_starts_from_the_key_alone(bool native)
    {
        using var hmac = new HmacSha1(Encoding.ASCII.GetBytes("key"), native);
        var first = new byte[HmacSha1.Length];
        var again = new byte[HmacSha1.Length];

        hmac.Compute("one message"u8, first);
        hmac.Compute("another"u8, again);
        hmac.Compute("one message"u8, again);

        again.Should().Equal(first);
    }
}
