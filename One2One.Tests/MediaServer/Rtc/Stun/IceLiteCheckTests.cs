using System.Net;
using One2One.MediaServer.Rtc.Stun;

namespace One2One.Tests.MediaServer.Rtc.Stun;

public class IceLiteCheckTests
{
    private static readonly byte[] LocalUfrag = "srv1"u8.ToArray();
    private static readonly byte[] LocalPassword = "server-password-of-22+chars"u8.ToArray();
    private static readonly byte[] TransactionId = Convert.FromHexString("000102030405060708090a0b");

    [Fact]
    public void A_request_for_our_ufrag_under_our_password_is_accepted()
    {
        var request = Request("srv1:brow", LocalPassword, IceRole.Controlling);

        Check(request).Should().Be(IceCheckOutcome.Accept);
    }

    [Theory]
    [InlineData("other:brow", "another ufrag")]
    [InlineData("srv1x:brow", "our ufrag is only a prefix of theirs")]
    [InlineData("srv1", "no colon")]
    [InlineData(":srv1", "empty local part")]
    public void A_username_not_for_our_ufrag_is_unauthorized(string username, string because)
    {
        var request = Request(username, LocalPassword, IceRole.Controlling);

        Check(request).Should().Be(IceCheckOutcome.Unauthorized, because);
    }

    [Fact]
    public void Integrity_under_another_password_is_unauthorized()
    {
        var request = Request("srv1:brow", "not-the-server-password"u8.ToArray(), IceRole.Controlling);

        Check(request).Should().Be(IceCheckOutcome.Unauthorized);
    }

    [Fact]
    public void A_request_without_message_integrity_is_a_bad_request()
    {
        var request = Request("srv1:brow", [], IceRole.Controlling);

        Check(request).Should().Be(IceCheckOutcome.BadRequest);
    }

    [Fact]
    public void A_request_without_username_is_a_bad_request()
    {
        var request = StunTestMessage.Build(0x0001, [(StunAttributeType.Priority, [1, 2, 3, 4])], LocalPassword, fingerprint: true);

        Check(request).Should().Be(IceCheckOutcome.BadRequest);
    }

    [Fact]
    public void A_request_of_another_method_is_a_bad_request()
    {
        var request = StunTestMessage.Build(0x0003, [(StunAttributeType.Username, "srv1:brow"u8.ToArray())], LocalPassword, fingerprint: true);

        Check(request).Should().Be(IceCheckOutcome.BadRequest);
    }

    [Fact]
    public void A_peer_claiming_the_controlled_role_gets_a_role_conflict()
    {
        var request = Request("srv1:brow", LocalPassword, IceRole.Controlled);

        Check(request).Should().Be(IceCheckOutcome.RoleConflict);
    }

    [Fact]
    public void A_wrong_fingerprint_indications_and_responses_are_discarded()
    {
        var badFingerprint = Request("srv1:brow", LocalPassword, IceRole.Controlling);
        badFingerprint[^1] ^= 0x01;
        var indication = StunTestMessage.Build(0x0011, [], null, fingerprint: true);
        var response = Rfc5769Vectors.Ipv4Response;

        Check(badFingerprint).Should().Be(IceCheckOutcome.Discard);
        Check(indication).Should().Be(IceCheckOutcome.Discard);
        Check(response).Should().Be(IceCheckOutcome.Discard);
    }

    [Fact]
    public void An_accepted_request_is_answered_with_the_mapped_address_under_our_password()
    {
        var request = Request("srv1:brow", LocalPassword, IceRole.Controlling);
        var remote = new IPEndPoint(IPAddress.Loopback, 61000);
        StunMessage.TryParse(request, out var message).Should().BeTrue();
        var buffer = new byte[StunWriter.MaxLength];

        int length = IceLiteCheck.WriteResponse(buffer, message, IceCheckOutcome.Accept, remote.Serialize(), LocalPassword);

        StunMessage.TryParse(buffer.AsSpan(0, length), out var response).Should().BeTrue();
        response.Class.Should().Be(StunMessageClass.SuccessResponse);
        response.TransactionId.ToArray().Should().Equal(TransactionId);
        response.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(remote);
        response.VerifyMessageIntegrity(LocalPassword).Should().BeTrue();
        response.VerifyFingerprint().Should().BeTrue();
    }

    [Theory]
    [InlineData(StunErrorCode.BadRequest, false)]
    [InlineData(StunErrorCode.Unauthorized, false)]
    [InlineData(StunErrorCode.RoleConflict, true)]
    public void Errors_are_answered_with_their_code_and_integrity_only_after_authentication(int errorCode, bool withIntegrity)
    {
        var outcome = (IceCheckOutcome)errorCode;
        var request = Request("srv1:brow", LocalPassword, IceRole.Controlled);
        StunMessage.TryParse(request, out var message).Should().BeTrue();
        var buffer = new byte[StunWriter.MaxLength];

        int length = IceLiteCheck.WriteResponse(buffer, message, outcome, new IPEndPoint(IPAddress.Loopback, 1).Serialize(), LocalPassword);

        StunMessage.TryParse(buffer.AsSpan(0, length), out var response).Should().BeTrue();
        response.TryGetErrorCode(out int code, out _).Should().BeTrue();
        code.Should().Be((int)outcome);
        response.HasMessageIntegrity.Should().Be(withIntegrity);
        response.VerifyFingerprint().Should().BeTrue();
    }

    [Fact]
    public void Checking_and_answering_a_request_allocate_nothing()
    {
        var request = Request("srv1:brow", LocalPassword, IceRole.Controlling);
        var remote = new IPEndPoint(IPAddress.Loopback, 61000).Serialize();
        var buffer = new byte[StunWriter.MaxLength];
        int AnswerOnce()
        {
            StunMessage.TryParse(request, out var message);
            var outcome = IceLiteCheck.Check(message, LocalUfrag, LocalPassword);
            return IceLiteCheck.WriteResponse(buffer, message, outcome, remote, LocalPassword);
        }

        int total = AnswerOnce();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            total += AnswerOnce();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        total.Should().BeGreaterThan(1000);
        allocated.Should().Be(0);
    }

    [Fact]
    public void Nothing_is_written_for_a_discarded_message()
    {
        StunMessage.TryParse(Rfc5769Vectors.Ipv4Response, out var message).Should().BeTrue();

        IceLiteCheck.WriteResponse(new byte[StunWriter.MaxLength], message, IceCheckOutcome.Discard,
            new IPEndPoint(IPAddress.Loopback, 1).Serialize(), LocalPassword).Should().Be(0);
    }

    private static byte[] Request(string username, byte[] password, IceRole role)
    {
        var buffer = new byte[StunWriter.MaxLength];
        int length = StunWriter.WriteBindingRequest(buffer, TransactionId, System.Text.Encoding.ASCII.GetBytes(username),
            0x6e0001ff, role, 42, useCandidate: true, password);
        return buffer[..length];
    }

    private static IceCheckOutcome Check(byte[] datagram)
    {
        StunMessage.TryParse(datagram, out var message).Should().BeTrue();
        return IceLiteCheck.Check(message, LocalUfrag, LocalPassword);
    }
}
