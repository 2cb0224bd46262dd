using System.Net;
using System.Text;
using One2One.MediaServer.Rtc.Stun;

namespace One2One.Tests.MediaServer.Rtc.Stun;

public class StunMessageTests
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes(Rfc5769Vectors.Password);

    [Fact]
    public void Rfc5769_sample_request_parses_and_its_integrity_and_fingerprint_check()
    {
        var bytes = Rfc5769Vectors.Request;

        StunMessage.TryParse(bytes, out var message).Should().BeTrue();
        message.Class.Should().Be(StunMessageClass.Request);
        message.Method.Should().Be(StunMethod.Binding);
        message.TransactionId.ToArray().Should().Equal(Rfc5769Vectors.Hex("b7e7a701bc34d686fa87dfae"));
        message.TryGetUsername(out var username).Should().BeTrue();
        Encoding.ASCII.GetString(username).Should().Be("evtj:h6vY");
        message.TryGetPriority(out uint priority).Should().BeTrue();
        priority.Should().Be(0x6e0001ff);
        message.TryGetIceControlled(out ulong tieBreaker).Should().BeTrue();
        tieBreaker.Should().Be(0x932ff9b151263b36);
        message.TryGetIceControlling(out _).Should().BeFalse();
        message.UseCandidate.Should().BeFalse();
        message.HasMessageIntegrity.Should().BeTrue();
        message.HasFingerprint.Should().BeTrue();
        message.VerifyFingerprint().Should().BeTrue();
        message.VerifyMessageIntegrity(Password).Should().BeTrue();
        message.VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBT"u8).Should().BeFalse();
    }

    [Theory]
    [InlineData(false, "192.0.2.1", 32853)]
    [InlineData(true, "2001:db8:1234:5678:11:2233:4455:6677", 32853)]
    public void Rfc5769_sample_responses_decode_their_xor_mapped_address_and_check(bool ipv6, string address, int port)
    {
        var bytes = ipv6 ? Rfc5769Vectors.Ipv6Response : Rfc5769Vectors.Ipv4Response;

        StunMessage.TryParse(bytes, out var message).Should().BeTrue();
        message.Class.Should().Be(StunMessageClass.SuccessResponse);
        message.Method.Should().Be(StunMethod.Binding);
        message.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(new IPEndPoint(IPAddress.Parse(address), port));
        message.VerifyMessageIntegrity(Password).Should().BeTrue();
        message.VerifyFingerprint().Should().BeTrue();
    }

    [Fact]
    public void A_changed_byte_breaks_the_fingerprint_and_the_integrity()
    {
        var bytes = Rfc5769Vectors.Request;
        bytes[30] ^= 0x01; // inside SOFTWARE

        StunMessage.TryParse(bytes, out var message).Should().BeTrue();
        message.VerifyFingerprint().Should().BeFalse();
        message.VerifyMessageIntegrity(Password).Should().BeFalse();
    }

    [Fact]
    public void Crc32_gives_the_published_check_value() =>
        StunFingerprint.Crc32("123456789"u8).Should().Be(0xCBF43926);

    [Fact]
    public void Every_truncation_of_the_sample_request_is_refused()
    {
        var bytes = Rfc5769Vectors.Request;
        for (int length = 0; length < bytes.Length; length++)
        {
            StunMessage.TryParse(bytes.AsSpan(0, length), out _).Should().BeFalse($"{length} bytes are a truncated message");
        }
    }

    [Fact]
    public void Trailing_bytes_after_the_message_are_not_part_of_it()
    {
        var bytes = Rfc5769Vectors.Request.Concat(new byte[] { 1, 2, 3, 4 }).ToArray();

        StunMessage.TryParse(bytes, out var message).Should().BeTrue();
        message.Bytes.Length.Should().Be(bytes.Length - 4);
        message.VerifyFingerprint().Should().BeTrue();
    }

    [Theory]
    [InlineData(0, 0x40, "top bits set")]
    [InlineData(4, 0x22, "wrong magic cookie")]
    [InlineData(3, 0x5A, "length not a multiple of 4")]
    [InlineData(3, 0x5C, "length past the datagram")]
    [InlineData(23, 0x40, "attribute past the message")]
    [InlineData(103, 0x00, "FINGERPRINT of the wrong length")]
    [InlineData(79, 0x10, "MESSAGE-INTEGRITY of the wrong length")]
    public void Malformed_headers_and_attributes_are_refused(int offset, byte value, string because)
    {
        var bytes = Rfc5769Vectors.Request;
        bytes[offset] = value;

        StunMessage.TryParse(bytes, out _).Should().BeFalse(because);
    }

    [Fact]
    public void An_attribute_after_the_fingerprint_is_refused()
    {
        var bytes = Rfc5769Vectors.Request.Concat(Rfc5769Vectors.Hex("00 25 00 00")).ToArray();
        bytes[3] += 4;

        StunMessage.TryParse(bytes, out _).Should().BeFalse();
    }

    [Fact]
    public void Attributes_after_message_integrity_other_than_the_fingerprint_are_ignored()
    {
        // USE-CANDIDATE slipped in after MESSAGE-INTEGRITY (RFC 5389 §15.4: ignored).
        var message = StunTestMessage.Build(0x0001, [(StunAttributeType.Username, "a:b"u8.ToArray())], Password,
            fingerprint: true, afterIntegrity: [(StunAttributeType.UseCandidate, [])]);

        StunMessage.TryParse(message, out var parsed).Should().BeTrue();
        parsed.UseCandidate.Should().BeFalse();
        parsed.VerifyMessageIntegrity(Password).Should().BeTrue();
        parsed.VerifyFingerprint().Should().BeTrue();
    }

    [Fact]
    public void Random_buffers_are_refused_or_read_without_throwing()
    {
        var random = new Random(5769);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 120)];
            random.NextBytes(bytes);
            if (bytes.Length >= 20 && random.Next(2) == 0)
            {
                // Give half of them a plausible header so the attribute walk gets exercised.
                bytes[0] &= 0x01;
                bytes[2] = 0;
                bytes[3] = (byte)((bytes.Length - 20) & ~3);
                bytes[4] = 0x21;
                bytes[5] = 0x12;
                bytes[6] = 0xA4;
                bytes[7] = 0x42;
            }

            if (StunMessage.TryParse(bytes, out var message))
            {
                parsed++;
                ReadEverything(message);
            }
        }

        parsed.Should().BeGreaterThan(0, "some random attribute lists are well formed");
    }

    [Fact]
    public void Mutations_of_the_sample_messages_are_refused_or_read_without_throwing()
    {
        var random = new Random(8489);
        byte[][] samples = [Rfc5769Vectors.Request, Rfc5769Vectors.Ipv4Response, Rfc5769Vectors.Ipv6Response];
        for (int i = 0; i < 20_000; i++)
        {
            var bytes = (byte[])samples[i % samples.Length].Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            if (StunMessage.TryParse(bytes.AsSpan(0, random.Next(bytes.Length + 1)), out var message))
            {
                ReadEverything(message);
            }
        }
    }

    private static void ReadEverything(StunMessage message)
    {
        _ = message.Class;
        _ = message.Method;
        _ = message.TransactionId;
        _ = message.TryGetUsername(out _);
        _ = message.TryGetPriority(out _);
        _ = message.TryGetIceControlling(out _);
        _ = message.TryGetIceControlled(out _);
        _ = message.UseCandidate;
        _ = message.TryGetErrorCode(out _, out _);
        _ = message.TryGetXorMappedAddress(out _);
        _ = message.VerifyFingerprint();
        _ = message.VerifyMessageIntegrity(Password);
        _ = IceLiteCheck.Check(message, "evtj"u8, Password);
    }
}
