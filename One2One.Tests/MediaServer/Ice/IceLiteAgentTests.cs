using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Stun;

namespace One2One.Tests.MediaServer.Ice;

/// <summary>The ICE-lite agent on its own: what it answers, which addresses it validates and selects, consent timestamps.</summary>
public sealed class IceLiteAgentTests
{
    private static readonly IceCredentials Local = new("srvA", "server-password-0123456789");
    private static readonly IPEndPoint Browser = new(IPAddress.Loopback, 50_000);
    private static readonly IPEndPoint OtherCandidate = new(IPAddress.Parse("127.0.0.2"), 50_002);

    /// <summary>The link checks arrive over: the shared UDP port, as far as the agent can tell.</summary>
    private static readonly IIceLink Udp = new TestIceLink(IceProtocol.Udp);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void A_valid_check_gets_a_success_response_with_the_mapped_address_under_our_password()
    {
        var agent = new IceLiteAgent(Local, _clock);
        var request = Check("srvA:brow", Local.Password, useCandidate: false, out var transactionId);

        var result = agent.OnBindingRequest(request, Udp, Browser.Serialize(), Response(out var response), out var length);

        result.Should().Be(IceCheckResult.AddressValidated);
        StunMessage.TryParse(response.AsSpan(0, length), out var answer).Should().BeTrue();
        answer.Class.Should().Be(StunMessageClass.SuccessResponse);
        answer.TransactionId.ToArray().Should().Equal(transactionId);
        answer.TryGetXorMappedAddress(out var mapped).Should().BeTrue();
        mapped.Should().Be(Browser, "XOR-MAPPED-ADDRESS is where the check came from");
        answer.VerifyMessageIntegrity(Local.PasswordBytes).Should().BeTrue("the response is signed with our password");
        answer.VerifyFingerprint().Should().BeTrue();
        agent.IsValidated(Udp, AddressKey.From(Browser)).Should().BeTrue();
        agent.SelectedEndPoint.Should().Be(Browser, "until a nomination, media goes to the first address that passed a check");
        agent.LastCheckTimestamp.Should().Be(_clock.GetTimestamp());
    }

    [Theory]
    [InlineData("nope:brow", "server-password-0123456789", "another ufrag")]
    [InlineData("srvA:brow", "wrong-password-0123456789", "another password")]
    public void A_check_for_another_ufrag_or_password_gets_no_answer_and_validates_nothing(string username, string password, string what)
    {
        var agent = new IceLiteAgent(Local, _clock);
        var request = Check(username, password, useCandidate: true, out _);

        var result = agent.OnBindingRequest(request, Udp, Browser.Serialize(), Response(out _), out var length);

        result.Should().Be(IceCheckResult.Refused, what);
        length.Should().Be(0, "on a port every endpoint shares, an answer would tell a prober which ufrags are live");
        agent.IsValidated(Udp, AddressKey.From(Browser)).Should().BeFalse();
        agent.Selected.Should().BeNull();
        agent.LastCheckTimestamp.Should().Be(0);
    }

    [Fact]
    public void A_check_without_integrity_gets_no_answer()
    {
        var agent = new IceLiteAgent(Local, _clock);
        var request = new byte[StunWriter.MaxLength];
        var length = StunWriter.WriteBindingRequest(request, RandomNumberGenerator.GetBytes(12), "srvA:brow"u8, 1, IceRole.Controlling, 1, true, []);

        var result = agent.OnBindingRequest(request.AsSpan(0, length), Udp, Browser.Serialize(), Response(out _), out var responseLength);

        result.Should().Be(IceCheckResult.Refused);
        responseLength.Should().Be(0);
        agent.Selected.Should().BeNull();
    }

    [Fact]
    public void A_peer_claiming_the_controlled_role_gets_487_and_is_not_validated()
    {
        var agent = new IceLiteAgent(Local, _clock);
        var request = new byte[StunWriter.MaxLength];
        var length = StunWriter.WriteBindingRequest(request, RandomNumberGenerator.GetBytes(12), "srvA:brow"u8, 1, IceRole.Controlled, 1, false, Local.PasswordBytes);

        var result = agent.OnBindingRequest(request.AsSpan(0, length), Udp, Browser.Serialize(), Response(out var response), out var responseLength);

        result.Should().Be(IceCheckResult.Refused);
        StunMessage.TryParse(response.AsSpan(0, responseLength), out var answer).Should().BeTrue();
        answer.TryGetErrorCode(out var code, out _).Should().BeTrue();
        code.Should().Be(487);
        agent.IsValidated(Udp, AddressKey.From(Browser)).Should().BeFalse();
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x00, 0x01, 0x00 })]
    [InlineData(new byte[] { 0x80, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 })]
    public void Not_STUN_is_refused_without_an_answer(byte[] datagram)
    {
        var agent = new IceLiteAgent(Local, _clock);

        var result = agent.OnBindingRequest(datagram, Udp, Browser.Serialize(), Response(out _), out var length);

        result.Should().Be(IceCheckResult.Refused);
        length.Should().Be(0);
    }

    [Fact]
    public void A_response_or_a_check_with_a_broken_fingerprint_is_discarded_without_an_answer()
    {
        var agent = new IceLiteAgent(Local, _clock);
        var request = Check("srvA:brow", Local.Password, useCandidate: true, out _);
        request[^1] ^= 0xFF;

        var result = agent.OnBindingRequest(request, Udp, Browser.Serialize(), Response(out _), out var length);

        result.Should().Be(IceCheckResult.Refused);
        length.Should().Be(0);
        agent.Selected.Should().BeNull();
    }

    [Fact]
    public void Use_candidate_from_another_validated_address_selects_it()
    {
        var agent = new IceLiteAgent(Local, _clock);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _)
            .Should().Be(IceCheckResult.AddressValidated);

        var result = agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _);

        result.Should().Be(IceCheckResult.Nominated);
        agent.SelectedEndPoint.Should().Be(OtherCandidate);
        agent.Selected!.Key.Should().Be(AddressKey.From(OtherCandidate));
        agent.IsValidated(Udp, AddressKey.From(Browser)).Should().BeTrue("the first address may still send media");
        agent.IsValidated(Udp, AddressKey.From(OtherCandidate)).Should().BeTrue();
    }

    [Fact]
    public void Use_candidate_on_the_pair_that_already_carries_media_is_still_a_nomination()
    {
        // Chromium with an ICE-lite peer (semi-aggressive nomination) checks a pair first and sends USE-CANDIDATE on
        // it only once it is selected and writable: the nomination comes on the address that is already selected.
        var agent = new IceLiteAgent(Local, _clock);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _)
            .Should().Be(IceCheckResult.AddressValidated);

        var nomination = agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, Browser.Serialize(), Response(out _), out _);
        var renewal = agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, Browser.Serialize(), Response(out _), out _);

        nomination.Should().Be(IceCheckResult.Nominated);
        renewal.Should().Be(IceCheckResult.ConsentRenewed, "a nominated pair is nominated once; later checks renew consent");
        agent.SelectedEndPoint.Should().Be(Browser);
    }

    [Fact]
    public void A_check_replayed_from_another_address_is_refused_unanswered_and_changes_nothing()
    {
        var agent = new IceLiteAgent(Local, _clock);
        var nomination = Check("srvA:brow", Local.Password, useCandidate: true, out _);
        agent.OnBindingRequest(nomination, Udp, Browser.Serialize(), Response(out _), out _).Should().Be(IceCheckResult.Nominated);
        var consent = agent.LastCheckTimestamp;
        _clock.Advance(TimeSpan.FromSeconds(1));

        var replay = agent.OnBindingRequest(nomination, Udp, OtherCandidate.Serialize(), Response(out _), out var replayAnswer);
        var retransmission = agent.OnBindingRequest(nomination, Udp, Browser.Serialize(), Response(out _), out var retransmissionAnswer);

        replay.Should().Be(IceCheckResult.Refused, "a transaction belongs to one candidate pair (RFC 5389 §7.3): the same one from elsewhere is a replay");
        replayAnswer.Should().Be(0, "a replay is not answered");
        agent.IsValidated(Udp, AddressKey.From(OtherCandidate)).Should().BeFalse();
        agent.SelectedEndPoint.Should().Be(Browser);
        retransmission.Should().Be(IceCheckResult.ConsentRenewed, "a retransmission from the same address is answered again");
        retransmissionAnswer.Should().BeGreaterThan(0);
        _clock.GetElapsedTime(consent, agent.LastCheckTimestamp).Should().Be(TimeSpan.FromSeconds(1), "only the retransmission renewed consent");
    }

    [Fact]
    public void Each_valid_check_renews_consent_and_a_refused_one_does_not()
    {
        var agent = new IceLiteAgent(Local, _clock);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, Browser.Serialize(), Response(out _), out _);
        var first = agent.LastCheckTimestamp;

        _clock.Advance(TimeSpan.FromSeconds(5));
        var renewed = agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _);
        var second = agent.LastCheckTimestamp;
        _clock.Advance(TimeSpan.FromSeconds(5));
        agent.OnBindingRequest(Check("srvA:brow", "wrong-password-0123456789", false, out _), Udp, Browser.Serialize(), Response(out _), out _);

        renewed.Should().Be(IceCheckResult.ConsentRenewed);
        _clock.GetElapsedTime(first, second).Should().Be(TimeSpan.FromSeconds(5));
        agent.LastCheckTimestamp.Should().Be(second, "a check that fails authentication is no consent");
    }

    [Fact]
    public void Once_the_address_table_is_full_a_nomination_from_another_address_is_unanswered_and_selects_nothing()
    {
        var agent = new IceLiteAgent(Local, _clock);
        for (var i = 0; i < IceLiteAgent.MaxPeerAddresses; i++)
        {
            agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, new IPEndPoint(IPAddress.Loopback, 50_000 + i).Serialize(), Response(out _), out _)
                .Should().Be(IceCheckResult.AddressValidated);
        }

        var consent = agent.LastCheckTimestamp;
        _clock.Advance(TimeSpan.FromSeconds(1));
        var ninth = new IPEndPoint(IPAddress.Loopback, 50_100);

        var result = agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, ninth.Serialize(), Response(out _), out var length);

        result.Should().Be(IceCheckResult.AddressNotKept);
        length.Should().Be(0, "answering would let the browser pick a pair whose media we drop");
        agent.IsValidated(Udp, AddressKey.From(ninth)).Should().BeFalse();
        agent.SelectedEndPoint.Should().Be(Browser, "media must never go to an address whose own media is dropped");
        agent.LastCheckTimestamp.Should().Be(consent);
    }

    [Fact]
    public void Consent_is_renewed_only_by_checks_from_the_selected_address()
    {
        var agent = new IceLiteAgent(Local, _clock);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, Browser.Serialize(), Response(out _), out _).Should().Be(IceCheckResult.Nominated);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _).Should().Be(IceCheckResult.AddressValidated);
        var nominated = agent.LastCheckTimestamp;

        _clock.Advance(TimeSpan.FromSeconds(20));
        var elsewhere = agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, OtherCandidate.Serialize(), Response(out _), out var answered);
        var afterElsewhere = agent.LastCheckTimestamp;
        _clock.Advance(TimeSpan.FromSeconds(5));
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _);

        elsewhere.Should().Be(IceCheckResult.ConsentRenewed);
        answered.Should().BeGreaterThan(0, "a check on another valid pair is still answered");
        afterElsewhere.Should().Be(nominated, "RFC 7675: consent belongs to the selected pair; another pair's checks do not keep it fresh");
        _clock.GetElapsedTime(nominated, agent.LastCheckTimestamp).Should().Be(TimeSpan.FromSeconds(25));
    }

    [Fact]
    public void A_nomination_moves_consent_to_the_newly_selected_address()
    {
        var agent = new IceLiteAgent(Local, _clock);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _);

        _clock.Advance(TimeSpan.FromSeconds(10));
        var nominatedAt = _clock.GetTimestamp();
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _).Should().Be(IceCheckResult.Nominated);
        var moved = agent.LastCheckTimestamp;
        _clock.Advance(TimeSpan.FromSeconds(10));
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _);

        moved.Should().Be(nominatedAt, "the nominating check is the new pair's consent");
        agent.LastCheckTimestamp.Should().Be(moved, "the old pair no longer renews consent");
    }

    [Fact]
    public void Expired_consent_takes_the_send_target_away_until_a_check_on_the_selected_pair_renews_it()
    {
        var agent = new IceLiteAgent(Local, _clock);
        agent.ExpireConsentIfStale(_clock.GetTimestamp(), TimeSpan.FromSeconds(30)).Should().BeFalse("nothing was checked yet");
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, Browser.Serialize(), Response(out _), out _).Should().Be(IceCheckResult.Nominated);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _);
        var selected = agent.Selected;

        _clock.Advance(TimeSpan.FromSeconds(30));
        agent.ExpireConsentIfStale(_clock.GetTimestamp(), TimeSpan.FromSeconds(30)).Should().BeFalse("30 s is not yet past the timeout");
        agent.SendTarget.Should().BeSameAs(selected);
        _clock.Advance(TimeSpan.FromSeconds(1));
        agent.ExpireConsentIfStale(_clock.GetTimestamp(), TimeSpan.FromSeconds(30)).Should().BeTrue();
        agent.SendTarget.Should().BeNull("RFC 7675 §5.1: no sending without consent");
        agent.Selected.Should().BeSameAs(selected, "the pair stays selected for when the browser comes back");

        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _);
        agent.SendTarget.Should().BeNull("another pair's check is no consent for the selected one");
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _);
        agent.SendTarget.Should().BeSameAs(selected, "a check on the selected pair renews consent");
        agent.ExpireConsentIfStale(_clock.GetTimestamp(), TimeSpan.FromSeconds(30)).Should().BeFalse();
    }

    private static byte[] Check(string username, string password, bool useCandidate, out byte[] transactionId)
    {
        var request = new byte[StunWriter.MaxLength];
        transactionId = RandomNumberGenerator.GetBytes(StunMessage.TransactionIdLength);
        var length = StunWriter.WriteBindingRequest(request, transactionId, Encoding.ASCII.GetBytes(username), 1853824767,
            IceRole.Controlling, 42, useCandidate, Encoding.ASCII.GetBytes(password));
        return request[..length];
    }

    private static Span<byte> Response(out byte[] buffer)
    {
        buffer = new byte[StunWriter.MaxLength];
        return buffer;
    }
}
