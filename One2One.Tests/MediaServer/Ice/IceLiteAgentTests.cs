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

        var result = agent.OnBindingRequest(request, Udp, Browser.Serialize(), Response(out var response), out var length, out _);

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

        var result = agent.OnBindingRequest(request, Udp, Browser.Serialize(), Response(out _), out var length, out _);

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

        var result = agent.OnBindingRequest(request.AsSpan(0, length), Udp, Browser.Serialize(), Response(out _), out var responseLength, out _);

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

        var result = agent.OnBindingRequest(request.AsSpan(0, length), Udp, Browser.Serialize(), Response(out var response), out var responseLength, out _);

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

        var result = agent.OnBindingRequest(datagram, Udp, Browser.Serialize(), Response(out _), out var length, out _);

        result.Should().Be(IceCheckResult.Refused);
        length.Should().Be(0);
    }

    [Fact]
    public void A_response_or_a_check_with_a_broken_fingerprint_is_discarded_without_an_answer()
    {
        var agent = new IceLiteAgent(Local, _clock);
        var request = Check("srvA:brow", Local.Password, useCandidate: true, out _);
        request[^1] ^= 0xFF;

        var result = agent.OnBindingRequest(request, Udp, Browser.Serialize(), Response(out _), out var length, out _);

        result.Should().Be(IceCheckResult.Refused);
        length.Should().Be(0);
        agent.Selected.Should().BeNull();
    }

    [Fact]
    public void Use_candidate_from_another_validated_address_selects_it()
    {
        var agent = new IceLiteAgent(Local, _clock);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _, out _)
            .Should().Be(IceCheckResult.AddressValidated);

        var result = agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _, out _);

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
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _, out _)
            .Should().Be(IceCheckResult.AddressValidated);

        var nomination = agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, Browser.Serialize(), Response(out _), out _, out _);
        var renewal = agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, Browser.Serialize(), Response(out _), out _, out _);

        nomination.Should().Be(IceCheckResult.Nominated);
        renewal.Should().Be(IceCheckResult.ConsentRenewed, "a nominated pair is nominated once; later checks renew consent");
        agent.SelectedEndPoint.Should().Be(Browser);
    }

    [Fact]
    public void A_check_replayed_from_another_address_is_refused_unanswered_and_changes_nothing()
    {
        var agent = new IceLiteAgent(Local, _clock);
        var nomination = Check("srvA:brow", Local.Password, useCandidate: true, out _);
        agent.OnBindingRequest(nomination, Udp, Browser.Serialize(), Response(out _), out _, out _).Should().Be(IceCheckResult.Nominated);
        var consent = agent.LastCheckTimestamp;
        _clock.Advance(TimeSpan.FromSeconds(1));

        var replay = agent.OnBindingRequest(nomination, Udp, OtherCandidate.Serialize(), Response(out _), out var replayAnswer, out _);
        var retransmission = agent.OnBindingRequest(nomination, Udp, Browser.Serialize(), Response(out _), out var retransmissionAnswer, out _);

        replay.Should().Be(IceCheckResult.Refused, "a transaction belongs to one candidate pair (RFC 5389 §7.3): the same one from elsewhere is a replay");
        replayAnswer.Should().Be(0, "a replay is not answered");
        agent.IsValidated(Udp, AddressKey.From(OtherCandidate)).Should().BeFalse();
        agent.SelectedEndPoint.Should().Be(Browser);
        retransmission.Should().Be(IceCheckResult.ConsentRenewed, "a retransmission from the same address is answered again");
        retransmissionAnswer.Should().BeGreaterThan(0);
        _clock.GetElapsedTime(consent, agent.LastCheckTimestamp).Should().Be(TimeSpan.FromSeconds(1), "only the retransmission renewed consent");
    }

    [Fact]
    public void A_nomination_replayed_from_another_address_long_after_the_ring_let_it_go_is_still_refused()
    {
        var agent = new IceLiteAgent(Local, _clock);
        var nomination = Check("srvA:brow", Local.Password, useCandidate: true, out _);
        agent.OnBindingRequest(nomination, Udp, Browser.Serialize(), Response(out _), out _, out _).Should().Be(IceCheckResult.Nominated);
        for (var i = 0; i < IceLiteAgent.RememberedChecks * 3; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(2.5)); // the browser's consent checks, for eight minutes
            CheckFrom(agent, Browser, useCandidate: false, out _).Should().Be(IceCheckResult.ConsentRenewed);
        }

        var replay = agent.OnBindingRequest(nomination, Udp, OtherCandidate.Serialize(), Response(out _), out var replayAnswer, out _);

        replay.Should().Be(IceCheckResult.Refused, "an accepted transaction from a new address is a replay however old");
        replayAnswer.Should().Be(0);
        agent.IsValidated(Udp, AddressKey.From(OtherCandidate)).Should().BeFalse();
        agent.SelectedEndPoint.Should().Be(Browser);
        CheckFrom(agent, OtherCandidate, useCandidate: true, out _).Should().Be(IceCheckResult.Nominated, "the browser's own new check from there, a new transaction, is taken");
    }

    [Fact]
    public void New_transactions_from_new_addresses_are_taken_after_thousands_of_checks_were_let_go()
    {
        var agent = new IceLiteAgent(Local, _clock);
        CheckFrom(agent, Browser, useCandidate: true, out _).Should().Be(IceCheckResult.Nominated);
        for (var i = 0; i < 5_000; i++)
        {
            CheckFrom(agent, Browser, useCandidate: false, out _);
        }

        // Each new path's check is a new transaction: mistaken for a forgotten one about once in 2,500 here.
        var refused = Enumerable.Range(1, 200).Count(i => CheckFrom(agent, Address(100 + (i % 6)), useCandidate: false, out _) == IceCheckResult.Refused);

        refused.Should().BeLessThan(3);
    }

    [Fact]
    public void Each_valid_check_renews_consent_and_a_refused_one_does_not()
    {
        var agent = new IceLiteAgent(Local, _clock);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, Browser.Serialize(), Response(out _), out _, out _);
        var first = agent.LastCheckTimestamp;

        _clock.Advance(TimeSpan.FromSeconds(5));
        var renewed = agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _, out _);
        var second = agent.LastCheckTimestamp;
        _clock.Advance(TimeSpan.FromSeconds(5));
        agent.OnBindingRequest(Check("srvA:brow", "wrong-password-0123456789", false, out _), Udp, Browser.Serialize(), Response(out _), out _, out _);

        renewed.Should().Be(IceCheckResult.ConsentRenewed);
        _clock.GetElapsedTime(first, second).Should().Be(TimeSpan.FromSeconds(5));
        agent.LastCheckTimestamp.Should().Be(second, "a check that fails authentication is no consent");
    }

    [Fact]
    public void A_browser_that_rebinds_any_number_of_times_gets_each_new_address_validated_and_selected()
    {
        // A mobile browser whose NAT binding or network changes: each new address checks, then nominates, without an ICE restart.
        var agent = new IceLiteAgent(Local, _clock);
        for (var i = 0; i < IceLiteAgent.MaxPeerAddresses; i++)
        {
            CheckFrom(agent, Address(i), useCandidate: i == 0, out var evicted).Should().Be(i == 0 ? IceCheckResult.Nominated : IceCheckResult.AddressValidated);
            evicted.Should().BeNull("the table has room");
        }

        for (var i = IceLiteAgent.MaxPeerAddresses; i < 20; i++)
        {
            var previous = agent.Selected;
            _clock.Advance(TimeSpan.FromSeconds(1));

            var validated = CheckFrom(agent, Address(i), useCandidate: false, out var evicted);
            var nominated = CheckFrom(agent, Address(i), useCandidate: true, out var evictedByNomination);

            validated.Should().Be(IceCheckResult.AddressValidated, $"address #{i + 1} is validated in a full table");
            evicted.Should().NotBeNull().And.NotBeSameAs(previous, "the selected path is never the one evicted");
            agent.IsValidated(Udp, evicted!.Key).Should().BeFalse("its place went to the new address");
            evictedByNomination.Should().BeNull("the nominated path was already stored");
            nominated.Should().Be(IceCheckResult.Nominated);
            agent.SelectedEndPoint.Should().Be(Address(i));
            agent.SendTarget.Should().BeSameAs(agent.Selected);
            agent.LastCheckTimestamp.Should().Be(_clock.GetTimestamp(), "the nomination is the new pair's consent");
            agent.IsValidated(Udp, AddressKey.From(previous!.EndPoint)).Should().BeTrue("the path selected until now is still kept");
            agent.ValidatedPaths.Length.Should().Be(IceLiteAgent.MaxPeerAddresses);
        }
    }

    [Fact]
    public void The_selected_path_is_never_evicted_however_stale_it_is_and_its_next_check_renews_consent()
    {
        var agent = new IceLiteAgent(Local, _clock);
        CheckFrom(agent, Browser, useCandidate: true, out _).Should().Be(IceCheckResult.Nominated);
        var selected = agent.Selected;
        var evictedAddresses = new List<IPEndPoint>();

        // The selected path is checked least recently of all while twenty other addresses pass a check (within
        // SilentSelectedPathTimeout of its last check, so none of them is selected instead).
        for (var i = 1; i <= 20; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(300));
            CheckFrom(agent, Address(i), useCandidate: false, out var evicted).Should().Be(IceCheckResult.AddressValidated);
            if (evicted is not null)
            {
                evictedAddresses.Add(evicted.EndPoint);
            }

            agent.Selected.Should().BeSameAs(selected);
            agent.IsValidated(Udp, AddressKey.From(Browser)).Should().BeTrue();
        }

        evictedAddresses.Should().Equal(Enumerable.Range(1, 20 - IceLiteAgent.MaxPeerAddresses + 1).Select(Address),
            "the other paths go oldest first");
        agent.SendTarget.Should().BeSameAs(selected);
        CheckFrom(agent, Browser, useCandidate: false, out var none).Should().Be(IceCheckResult.ConsentRenewed);
        none.Should().BeNull();
        agent.LastCheckTimestamp.Should().Be(_clock.GetTimestamp());
    }

    [Fact]
    public void A_full_table_evicts_the_path_checked_least_recently_not_the_one_stored_first()
    {
        var agent = new IceLiteAgent(Local, _clock);
        for (var i = 0; i < IceLiteAgent.MaxPeerAddresses; i++)
        {
            CheckFrom(agent, Address(i), useCandidate: false, out _);
        }

        // Address 1 is the oldest path but the browser still checks it; address 2 it stopped checking.
        CheckFrom(agent, Address(1), useCandidate: false, out _).Should().Be(IceCheckResult.ConsentRenewed);

        CheckFrom(agent, Address(100), useCandidate: false, out var evicted).Should().Be(IceCheckResult.AddressValidated);

        agent.SelectedEndPoint.Should().Be(Address(0), "the first path is selected until a nomination, and so kept");
        evicted!.EndPoint.Should().Be(Address(2));
        agent.IsValidated(Udp, AddressKey.From(Address(1))).Should().BeTrue();
        agent.IsValidated(Udp, AddressKey.From(Address(100))).Should().BeTrue();
    }

    [Fact]
    public void Consent_is_renewed_only_by_checks_from_the_selected_address()
    {
        var agent = new IceLiteAgent(Local, _clock);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, Browser.Serialize(), Response(out _), out _, out _).Should().Be(IceCheckResult.Nominated);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _, out _).Should().Be(IceCheckResult.AddressValidated);
        var nominated = agent.LastCheckTimestamp;

        _clock.Advance(TimeSpan.FromSeconds(5));
        var elsewhere = agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, OtherCandidate.Serialize(), Response(out _), out var answered, out _);
        var afterElsewhere = agent.LastCheckTimestamp;
        _clock.Advance(TimeSpan.FromSeconds(2));
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _, out _);

        elsewhere.Should().Be(IceCheckResult.ConsentRenewed);
        answered.Should().BeGreaterThan(0, "a check on another valid pair is still answered");
        afterElsewhere.Should().Be(nominated, "RFC 7675: consent belongs to the selected pair; another pair's checks do not keep it fresh");
        _clock.GetElapsedTime(nominated, agent.LastCheckTimestamp).Should().Be(TimeSpan.FromSeconds(7));
        agent.SelectedEndPoint.Should().Be(Browser);
    }

    [Fact]
    public void A_nomination_moves_consent_to_the_newly_selected_address()
    {
        var agent = new IceLiteAgent(Local, _clock);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _, out _);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _, out _);

        _clock.Advance(TimeSpan.FromSeconds(10));
        var nominatedAt = _clock.GetTimestamp();
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _, out _).Should().Be(IceCheckResult.Nominated);
        var moved = agent.LastCheckTimestamp;
        _clock.Advance(TimeSpan.FromSeconds(5));
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _, out _);

        moved.Should().Be(nominatedAt, "the nominating check is the new pair's consent");
        agent.LastCheckTimestamp.Should().Be(moved, "the old pair no longer renews consent");
    }

    [Fact]
    public void Expired_consent_takes_the_send_target_away_until_a_check_on_the_selected_pair_renews_it()
    {
        var agent = new IceLiteAgent(Local, _clock);
        agent.ExpireConsentIfStale(_clock.GetTimestamp(), TimeSpan.FromSeconds(30)).Should().BeFalse("nothing was checked yet");
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, true, out _), Udp, Browser.Serialize(), Response(out _), out _, out _).Should().Be(IceCheckResult.Nominated);
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, OtherCandidate.Serialize(), Response(out _), out _, out _);
        var selected = agent.Selected;

        _clock.Advance(TimeSpan.FromSeconds(30));
        agent.ExpireConsentIfStale(_clock.GetTimestamp(), TimeSpan.FromSeconds(30)).Should().BeFalse("30 s is not yet past the timeout");
        agent.SendTarget.Should().BeSameAs(selected);
        _clock.Advance(TimeSpan.FromSeconds(1));
        agent.ExpireConsentIfStale(_clock.GetTimestamp(), TimeSpan.FromSeconds(30)).Should().BeTrue();
        agent.SendTarget.Should().BeNull("RFC 7675 §5.1: no sending without consent");
        agent.Selected.Should().BeSameAs(selected, "the pair stays selected for when the browser comes back");

        agent.OnBindingRequest(Check("srvA:brow", Local.Password, false, out _), Udp, Browser.Serialize(), Response(out _), out _, out _);
        agent.SendTarget.Should().BeSameAs(selected, "a check on the selected pair renews consent");
        agent.ExpireConsentIfStale(_clock.GetTimestamp(), TimeSpan.FromSeconds(30)).Should().BeFalse();
    }

    [Fact]
    public void A_check_on_another_stored_path_once_the_selected_one_fell_silent_selects_it_as_a_browser_that_never_nominates_again_needs()
    {
        // Firefox: one nomination, then plain consent checks every 4 to 6 s; its NAT binding changes and its checks come
        // from a new address it does not know it has.
        var agent = new IceLiteAgent(Local, _clock);
        CheckFrom(agent, Browser, useCandidate: true, out _).Should().Be(IceCheckResult.Nominated);
        _clock.Advance(TimeSpan.FromSeconds(5));
        CheckFrom(agent, OtherCandidate, useCandidate: false, out _).Should().Be(IceCheckResult.AddressValidated, "the selected path was checked 5 s ago");
        agent.SelectedEndPoint.Should().Be(Browser);

        _clock.Advance(IceLiteAgent.SilentSelectedPathTimeout - TimeSpan.FromSeconds(5) + TimeSpan.FromMilliseconds(1));
        CheckFrom(agent, OtherCandidate, useCandidate: false, out _).Should().Be(IceCheckResult.Nominated);

        agent.SelectedEndPoint.Should().Be(OtherCandidate, "media follows the browser's checks");
        agent.SendTarget!.EndPoint.Should().Be(OtherCandidate);
        agent.LastCheckTimestamp.Should().Be(_clock.GetTimestamp(), "the check is the new pair's consent");
        _clock.Advance(TimeSpan.FromSeconds(1));
        CheckFrom(agent, Browser, useCandidate: false, out _).Should().Be(IceCheckResult.ConsentRenewed, "the new selected path is not silent");
        agent.SelectedEndPoint.Should().Be(OtherCandidate);
    }

    [Fact]
    public void After_consent_expired_a_check_on_another_stored_path_selects_it_and_gives_media_a_target_again()
    {
        var agent = new IceLiteAgent(Local, _clock);
        CheckFrom(agent, Browser, useCandidate: true, out _);
        CheckFrom(agent, OtherCandidate, useCandidate: false, out _);
        _clock.Advance(TimeSpan.FromSeconds(31));
        agent.ExpireConsentIfStale(_clock.GetTimestamp(), TimeSpan.FromSeconds(30)).Should().BeTrue();

        CheckFrom(agent, OtherCandidate, useCandidate: false, out _).Should().Be(IceCheckResult.Nominated);

        agent.SendTarget!.EndPoint.Should().Be(OtherCandidate);
    }

    [Fact]
    public void A_reader_without_the_receive_gate_never_meets_a_counted_path_slot_that_is_still_empty()
    {
        // An ICE-TCP connection once asked whether its first check had passed after letting the gate go, while a UDP
        // worker stored the browser's other addresses: a slot counted before it was filled threw NullReferenceException.
        var tcp = new TestIceLink(IceProtocol.Tcp);
        var key = AddressKey.From(Browser); // never stored over this link: every counted slot is looked at
        var checks = Enumerable.Range(1, IceLiteAgent.MaxPeerAddresses)
            .Select(i => (Request: Check("srvA:brow", Local.Password, false, out _), From: Address(i).Serialize())).ToArray();
        var agent = new IceLiteAgent(Local, _clock);
        var stop = false;
        Exception? failure = null;
        var reader = new Thread(() =>
        {
            try
            {
                while (!Volatile.Read(ref stop))
                {
                    Volatile.Read(ref agent).IsValidated(tcp, key);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        reader.Start();

        var response = new byte[StunWriter.MaxLength];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1); // without the fix it fails within about 0.1 s
        while (DateTime.UtcNow < deadline && Volatile.Read(ref failure) is null)
        {
            var fresh = new IceLiteAgent(Local, _clock);
            Volatile.Write(ref agent, fresh);
            foreach (var (request, from) in checks)
            {
                fresh.OnBindingRequest(request, Udp, from, response, out _, out _);
            }
        }

        Volatile.Write(ref stop, true);
        reader.Join();
        failure.Should().BeNull();
    }

    private static IPEndPoint Address(int i) => new(IPAddress.Loopback, 50_000 + i);

    /// <summary>A valid check from <paramref name="from"/> over UDP.</summary>
    private static IceCheckResult CheckFrom(IceLiteAgent agent, IPEndPoint from, bool useCandidate, out IcePath? evicted) =>
        agent.OnBindingRequest(Check("srvA:brow", Local.Password, useCandidate, out _), Udp, from.Serialize(), Response(out _), out _, out evicted);

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
