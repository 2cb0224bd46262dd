using System.Security.Cryptography;
using System.Text;
using One2One.MediaServer.Rtc.Srtp;
using static One2One.Tests.MediaServer.Rtc.Srtp.SrtpTestPackets;

namespace One2One.Tests.MediaServer.Rtc.Srtp;

/// <summary>SRTP's HMAC-SHA1 (the platform's, keyed once) against RFC 2202's test cases and against <see cref="HMACSHA1"/> as an oracle.</summary>
public class HmacSha1Tests
{
    public static TheoryData<string, string, string> Rfc2202 => new()
    {
        { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", Convert.ToHexString("Hi There"u8), "b617318655057264e28bc0b6fb378c8ef146be00" },
        { Convert.ToHexString("Jefe"u8), Convert.ToHexString("what do ya want for nothing?"u8), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
        { new string('a', 40), new string('d', 100), "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
        { new string('a', 160), Convert.ToHexString("Test Using Larger Than Block-Size Key - Hash Key First"u8), "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
    };

    [Theory]
    [MemberData(nameof(Rfc2202))]
    public void Rfc2202_test_cases_1_2_3_and_6(string key, string data, string digest)
    {
        using var hmac = new HmacSha1(Hex(key));
        var mac = new byte[HmacSha1.Length];

        hmac.Compute(Hex(data), mac);

        mac.Should().Equal(Hex(digest));
    }

    [Fact]
    public void Matches_the_platform_for_every_length_and_for_short_block_sized_and_long_keys()
    {
        var random = new Random(5);
        foreach (var keyLength in new[] { 0, 20, 64, 65, 100 })
        {
            var key = new byte[keyLength];
            random.NextBytes(key);
            using var hmac = new HmacSha1(key);
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

    [Fact]
    public void Each_message_starts_from_the_key_alone()
    {
        using var hmac = new HmacSha1(Encoding.ASCII.GetBytes("key"));
        var first = new byte[HmacSha1.Length];
        var again = new byte[HmacSha1.Length];

        hmac.Compute("one message"u8, first);
        hmac.Compute("another"u8, again);
        hmac.Compute("one message"u8, again);

        again.Should().Equal(first);
    }
}
