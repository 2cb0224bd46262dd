using System.Net;
using System.Net.Sockets;
using System.Text;
using One2One.MediaServer.Rtc.Stun;

namespace One2One.Tests.MediaServer.Rtc.Stun;

public class StunWriterTests
{
    private static readonly byte[] Key = "a-22-character-password"u8.ToArray();
    private static readonly byte[] TransactionId = Convert.FromHexString("b7e7a701bc34d686fa87dfae");

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void A_binding_request_reads_back_with_every_attribute(bool controlling, bool useCandidate)
    {
        var role = controlling ? IceRole.Controlling : IceRole.Controlled;
        var buffer = new byte[StunWriter.MaxLength];

        int length = StunWriter.WriteBindingRequest(buffer, TransactionId, "ours:theirs"u8, 0x6e0001ff, role,
            0x932ff9b151263b36, useCandidate, Key);

        StunMessage.TryParse(buffer.AsSpan(0, length), out var message).Should().BeTrue();
        message.Bytes.Length.Should().Be(length);
        message.Class.Should().Be(StunMessageClass.Request);
        message.Method.Should().Be(StunMethod.Binding);
        message.TransactionId.ToArray().Should().Equal(TransactionId);
        message.TryGetUsername(out var username).Should().BeTrue();
        Encoding.ASCII.GetString(username).Should().Be("ours:theirs");
        message.TryGetPriority(out uint priority).Should().BeTrue();
        priority.Should().Be(0x6e0001ff);
        (role == IceRole.Controlling ? message.TryGetIceControlling(out ulong tieBreaker) : message.TryGetIceControlled(out tieBreaker))
            .Should().BeTrue();
        tieBreaker.Should().Be(0x932ff9b151263b36);
        message.UseCandidate.Should().Be(useCandidate);
        message.VerifyMessageIntegrity(Key).Should().BeTrue();
        message.VerifyFingerprint().Should().BeTrue();
    }

    [Theory]
    [InlineData(false, "192.0.2.1", 32853)]
    [InlineData(true, "2001:db8:1234:5678:11:2233:4455:6677", 32853)]
    public void The_xor_mapped_address_is_encoded_as_in_rfc5769(bool ipv6, string address, int port)
    {
        var sample = ipv6 ? Rfc5769Vectors.Ipv6Response : Rfc5769Vectors.Ipv4Response;
        StunMessage.TryParse(sample, out var expected).Should().BeTrue();
        expected.TryGetAttribute(StunAttributeType.XorMappedAddress, out var expectedValue).Should().BeTrue();
        var buffer = new byte[StunWriter.MaxLength];

        int length = StunWriter.WriteBindingSuccessResponse(buffer, expected.TransactionId, new IPEndPoint(IPAddress.Parse(address), port), Key);

        StunMessage.TryParse(buffer.AsSpan(0, length), out var written).Should().BeTrue();
        written.TryGetAttribute(StunAttributeType.XorMappedAddress, out var value).Should().BeTrue();
        value.ToArray().Should().Equal(expectedValue.ToArray());
        written.VerifyMessageIntegrity(Key).Should().BeTrue();
        written.VerifyFingerprint().Should().BeTrue();
    }

    [Theory]
    [InlineData("127.0.0.1", 50000, "127.0.0.1")]
    [InlineData("::1", 443, "::1")]
    [InlineData("::ffff:192.0.2.7", 3478, "192.0.2.7")]
    public void A_success_response_from_a_socket_address_reads_back(string address, int port, string expected)
    {
        var socketAddress = new IPEndPoint(IPAddress.Parse(address), port).Serialize();
        var buffer = new byte[StunWriter.MaxLength];

        int length = StunWriter.WriteBindingSuccessResponse(buffer, TransactionId, socketAddress, Key);

        StunMessage.TryParse(buffer.AsSpan(0, length), out var message).Should().BeTrue();
        message.Class.Should().Be(StunMessageClass.SuccessResponse);
        message.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(new IPEndPoint(IPAddress.Parse(expected), port));
        message.VerifyMessageIntegrity(Key).Should().BeTrue();
        message.VerifyFingerprint().Should().BeTrue();
    }

    [Fact]
    public void A_socket_address_filled_by_a_real_receive_gives_the_senders_address()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        sender.SendTo(new byte[] { 1 }, receiver.LocalEndPoint!);
        var from = new SocketAddress(AddressFamily.InterNetwork);
        receiver.ReceiveFrom(new byte[16], SocketFlags.None, from);
        var buffer = new byte[StunWriter.MaxLength];

        int length = StunWriter.WriteBindingSuccessResponse(buffer, TransactionId, from, Key);

        StunMessage.TryParse(buffer.AsSpan(0, length), out var message).Should().BeTrue();
        message.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(sender.LocalEndPoint);
    }

    [Theory]
    [InlineData(StunErrorCode.BadRequest, false, "Bad Request")]
    [InlineData(StunErrorCode.Unauthorized, false, "Unauthorized")]
    [InlineData(StunErrorCode.RoleConflict, true, "Role Conflict")]
    public void An_error_response_reads_back(int code, bool withIntegrity, string reason)
    {
        var buffer = new byte[StunWriter.MaxLength];

        int length = StunWriter.WriteBindingErrorResponse(buffer, TransactionId, code, withIntegrity ? Key : []);

        StunMessage.TryParse(buffer.AsSpan(0, length), out var message).Should().BeTrue();
        message.Class.Should().Be(StunMessageClass.ErrorResponse);
        message.Method.Should().Be(StunMethod.Binding);
        message.TryGetErrorCode(out int readCode, out var readReason).Should().BeTrue();
        readCode.Should().Be(code);
        Encoding.ASCII.GetString(readReason).Should().Be(reason);
        message.HasMessageIntegrity.Should().Be(withIntegrity);
        message.VerifyMessageIntegrity(Key).Should().Be(withIntegrity);
        message.VerifyFingerprint().Should().BeTrue();
    }

    [Fact]
    public void A_transaction_id_of_the_wrong_length_is_refused()
    {
        var act = () => StunWriter.WriteBindingErrorResponse(new byte[StunWriter.MaxLength], new byte[11], 400, []);

        act.Should().Throw<ArgumentException>();
    }
}
