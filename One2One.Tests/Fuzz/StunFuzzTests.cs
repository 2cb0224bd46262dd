using One2One.Tests.MediaServer.Ice;
using System.Net;
using System.Text;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Stun;
using One2One.Tests.Fuzz.Support;
using One2One.Tests.MediaServer.Rtc.Stun;
using One2One.Tests.Support;

namespace One2One.Tests.Fuzz;

/// <summary>
/// Mutated STUN messages through the parser and the ICE-lite agent's check path: nothing throws, only a check under
/// our password is accepted, every answer is well-formed STUN, and the agent still accepts a valid check afterwards.
/// What the writer writes, the parser reads back.
/// </summary>
[Trait("Category", "Fuzz")]
[Collection(CpuHeavyCollection.Name)]
public sealed class StunFuzzTests
{
    private static readonly IceCredentials Local = new("srvA", "server-password-0123456789");
    private static readonly SocketAddress Browser = new IPEndPoint(IPAddress.Loopback, 50_000).Serialize();

    private static readonly byte[][] Corpus =
    [
        Rfc5769Vectors.Request, Rfc5769Vectors.Ipv4Response, Rfc5769Vectors.Ipv6Response,
        Check(useCandidate: true, IceRole.Controlling, Local.PasswordBytes, 1),
        Check(useCandidate: false, IceRole.Controlling, Local.PasswordBytes, 2),
        Check(useCandidate: false, IceRole.Controlled, Local.PasswordBytes, 3),
        Check(useCandidate: true, IceRole.Controlling, [], 4),
        Written(b => StunWriter.WriteBindingSuccessResponse(b, TransactionId(5), new IPEndPoint(IPAddress.Parse("2001:db8::7"), 9), Local.PasswordBytes)),
        Written(b => StunWriter.WriteBindingErrorResponse(b, TransactionId(6), StunErrorCode.RoleConflict, Local.PasswordBytes)),
    ];

    [Fact]
    public void Mutated_messages_are_parsed_or_refused_and_only_a_check_under_our_password_is_accepted()
    {
        var clock = new FakeTimeProvider();
        FuzzRun.Bytes("STUN", Corpus, datagram =>
        {
            if (StunMessage.TryParse(datagram, out var message))
            {
                ReadEverything(message);
            }

            var agent = new IceLiteAgent(Local, clock);
            var response = new byte[StunWriter.MaxLength];
            var result = agent.OnBindingRequest(datagram, TestIceLink.Udp, Browser, response, out var length, out _);
            if (result is not IceCheckResult.Refused)
            {
                StunMessage.TryParse(datagram, out var accepted).Should().BeTrue();
                accepted.VerifyMessageIntegrity(Local.PasswordBytes).Should().BeTrue("only a check signed with our password is accepted");
            }

            if (length > 0)
            {
                StunMessage.TryParse(response.AsSpan(0, length), out var answer).Should().BeTrue("every answer is STUN");
                answer.VerifyFingerprint().Should().BeTrue();
                StunMessage.TryParse(datagram, out var request).Should().BeTrue("only STUN is answered");
                answer.TransactionId.SequenceEqual(request.TransactionId).Should().BeTrue("an answer carries the request's transaction");
            }

            var valid = Check(useCandidate: true, IceRole.Controlling, Local.PasswordBytes, 99);
            agent.OnBindingRequest(valid, TestIceLink.Udp, Browser, response, out _, out _).Should().NotBe(IceCheckResult.Refused, "garbage leaves the agent able to take a valid check");
        });
    }

    [Fact]
    public void What_the_writer_writes_the_parser_reads_back()
    {
        var requests = Gen.Select(Gen.Byte.Array[12], Gen.Byte.Array[0, 255], Gen.UInt, Gen.Bool, Gen.ULong, Gen.Bool, Gen.Byte.Array[0, 64]);
        SeededCheck.Run("STUN request round trip", requests, r =>
        {
            var (transactionId, username, priority, controlled, tieBreaker, useCandidate, key) = r;
            var buffer = new byte[StunWriter.MaxLength];
            var length = StunWriter.WriteBindingRequest(buffer, transactionId, username, priority,
                controlled ? IceRole.Controlled : IceRole.Controlling, tieBreaker, useCandidate, key);

            StunMessage.TryParse(buffer.AsSpan(0, length), out var message).Should().BeTrue();
            message.Method.Should().Be(StunMethod.Binding);
            message.Class.Should().Be(StunMessageClass.Request);
            message.TransactionId.ToArray().Should().Equal(transactionId);
            message.TryGetUsername(out var readUsername).Should().BeTrue();
            readUsername.ToArray().Should().Equal(username);
            message.TryGetPriority(out var readPriority).Should().BeTrue();
            readPriority.Should().Be(priority);
            (controlled ? message.TryGetIceControlled(out var readTieBreaker) : message.TryGetIceControlling(out readTieBreaker)).Should().BeTrue();
            readTieBreaker.Should().Be(tieBreaker);
            message.UseCandidate.Should().Be(useCandidate);
            message.HasMessageIntegrity.Should().Be(key.Length > 0);
            if (key.Length > 0)
            {
                message.VerifyMessageIntegrity(key).Should().BeTrue();
            }

            message.VerifyFingerprint().Should().BeTrue();
        }, r => $"{Convert.ToHexString(r.Item1)} {Convert.ToHexString(r.Item2)} {r.Item3} {r.Item4} {r.Item5} {r.Item6} {Convert.ToHexString(r.Item7)}", FuzzRun.Settings());

        var responses = Gen.Select(Gen.Byte.Array[12], Gen.Bool, Gen.Byte.Array[16], Gen.UShort, Gen.Int[300, 699]);
        SeededCheck.Run("STUN response round trip", responses, r =>
        {
            var (transactionId, v6, addressBytes, port, errorCode) = r;
            var endPoint = new IPEndPoint(new IPAddress(v6 ? addressBytes : addressBytes[..4]), port);
            var buffer = new byte[StunWriter.MaxLength];
            var length = StunWriter.WriteBindingSuccessResponse(buffer, transactionId, endPoint, Local.PasswordBytes);
            StunMessage.TryParse(buffer.AsSpan(0, length), out var success).Should().BeTrue();
            success.Class.Should().Be(StunMessageClass.SuccessResponse);
            success.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
            mapped.Should().Be(endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), port) : endPoint);
            success.VerifyMessageIntegrity(Local.PasswordBytes).Should().BeTrue();

            length = StunWriter.WriteBindingErrorResponse(buffer, transactionId, errorCode, []);
            StunMessage.TryParse(buffer.AsSpan(0, length), out var error).Should().BeTrue();
            error.Class.Should().Be(StunMessageClass.ErrorResponse);
            error.TryGetErrorCode(out var code, out _).Should().BeTrue();
            code.Should().Be(errorCode);
            error.TransactionId.ToArray().Should().Equal(transactionId);
        }, r => $"{Convert.ToHexString(r.Item1)} {r.Item2} {Convert.ToHexString(r.Item3)} {r.Item4} {r.Item5}", FuzzRun.Settings());
    }

    private static void ReadEverything(StunMessage message)
    {
        _ = (message.Method, message.Class, message.TransactionId.Length, message.HasMessageIntegrity, message.HasFingerprint, message.UseCandidate);
        _ = message.TryGetUsername(out _) | message.TryGetPriority(out _) | message.TryGetIceControlling(out _) | message.TryGetIceControlled(out _)
            | message.TryGetErrorCode(out _, out _) | message.TryGetXorMappedAddress(out _) | message.TryGetAttribute(StunAttributeType.Software, out _)
            | message.VerifyMessageIntegrity(Local.PasswordBytes) | message.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(Rfc5769Vectors.Password))
            | message.VerifyFingerprint();
        _ = IceLiteCheck.Check(message, Local.UfragBytes, Local.PasswordBytes);
    }

    private static byte[] Check(bool useCandidate, IceRole role, byte[] key, int seed) =>
        Written(b => StunWriter.WriteBindingRequest(b, TransactionId(seed), "srvA:brow"u8, 0x6E0001FF, role, 0x932FF9B151263B36, useCandidate, key));

    private static byte[] TransactionId(int seed)
    {
        var id = new byte[StunMessage.TransactionIdLength];
        new Random(seed).NextBytes(id);
        return id;
    }

    private static byte[] Written(SpanWriter write)
    {
        var buffer = new byte[StunWriter.MaxLength];
        return buffer[..write(buffer)];
    }

    private delegate int SpanWriter(Span<byte> buffer);
}
