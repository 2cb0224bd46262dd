using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Protocol;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Stun;
using One2One.MediaServer.Rtc.Transport;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// A second offer on a negotiated endpoint is an ICE restart (RFC 8445 §9): a page whose connection was lost offers
/// again from a new RTCPeerConnection, on a new port, with new ICE credentials and a new certificate. The endpoint
/// answers with new ICE credentials of its own and the same SSRCs, takes the new path after a new DTLS handshake, and
/// keeps relaying to and from its peer; the old path gets no answer. An offer that is not a restart is refused as KMS
/// refuses any second offer (40208), changing nothing.
/// </summary>
public sealed class RelayIceRestartTests : IAsyncLifetime
{
    private readonly RelayRig _rig = RelayRig.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    // Bounded: an endpoint that deadlocked never finishes disposing, and the test should fail rather than hang the run.
    public async Task DisposeAsync() => await _rig.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task A_new_connection_restarts_ICE_on_the_same_endpoint_and_media_flows_both_ways_with_the_same_ssrcs()
    {
        var (a, b) = await _rig.CallAsync();
        var before = a.Browser.Answer!;
        await using var again = new SimulatedBrowser();

        var answer = a.Session.ProcessOffer(again.OfferSdp);
        again.AcceptAnswer(answer, new IPEndPoint(IPAddress.Loopback, a.Session.Transport.LocalPort));

        again.Answer!.Ufrag.Should().NotBe(before.Ufrag, "an ICE restart gets new credentials (RFC 8445 §9)");
        again.Answer.Password.Should().NotBe(before.Password);
        again.Answer.Fingerprint.Should().Be(before.Fingerprint);
        again.Answer.Ssrc(KurentoMediaType.Video).Should().Be(before.Ssrc(KurentoMediaType.Video), "the endpoint still sends as itself");
        again.Answer.Ssrc(KurentoMediaType.Audio).Should().Be(before.Ssrc(KurentoMediaType.Audio));
        (await a.Browser.CheckAsync(useCandidate: true).WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(t => t.IsCompletedSuccessfully))
            .Should().BeFalse("the old credentials are no longer answered");

        await again.CompleteIceAsync();
        await again.CompleteDtlsAsync();

        again.SendRtp(KurentoMediaType.Video, 500, 90_000, true, new byte[200]);
        var atB = await b.Browser.NextRtpAsync("from the restarted connection");
        atB.Ssrc.Should().Be(b.OutgoingSsrc(KurentoMediaType.Video));
        b.Browser.SendRtp(KurentoMediaType.Audio, 9, 960, false, new byte[40]);
        var atAgain = await again.NextRtpAsync("to the restarted connection");
        atAgain.Ssrc.Should().Be(before.Ssrc(KurentoMediaType.Audio));
    }

    [Fact]
    public async Task Keys_the_replaced_DTLS_session_hands_over_during_a_restart_are_refused_and_the_new_handshake_keys_the_endpoint()
    {
        // The old session's Finished can be in progress while a restart with a new certificate replaces it: its keys
        // arrive after the restart cleared the old ones and before it disposes the session. Installed then, they stayed,
        // and the new handshake's keys were refused as "installed already": the new connection's media undecryptable.
        await using var rig = RelayRig.Create(minimumLevel: LogLevel.Debug);
        var (a, b) = await rig.CallAsync();
        var stale = a.Session.Transport.Dtls!;
        var profile = a.Browser.Profile!.Value;
        var staleKeys = SrtpKeyingMaterial.FromExporterOutput(profile, RandomNumberGenerator.GetBytes(SrtpKeyingMaterial.ExportLength(profile)));
        var handedOver = 0;
        rig.Logs.OnEntry = entry =>
        {
            // The transport logs its restart between clearing the old association and disposing its session.
            if (entry.EventName == "IceRestarted" && entry.Category.EndsWith(nameof(WebRtcTransport), StringComparison.Ordinal)
                && Interlocked.Exchange(ref handedOver, 1) == 0)
            {
                stale.KeysReady!(staleKeys);
            }
        };
        await using var again = new SimulatedBrowser();

        again.AcceptAnswer(a.Session.ProcessOffer(again.OfferSdp), new IPEndPoint(IPAddress.Loopback, a.Session.Transport.LocalPort));
        await again.CompleteIceAsync();
        await again.CompleteDtlsAsync();

        handedOver.Should().Be(1, "the old session's keys were handed over inside the restart");
        again.SendRtp(KurentoMediaType.Video, 500, 90_000, true, new byte[200]);
        (await b.Browser.NextRtpAsync("from the new connection, under the new handshake's keys")).Ssrc.Should().Be(b.OutgoingSsrc(KurentoMediaType.Video));
        b.Browser.SendRtp(KurentoMediaType.Audio, 9, 960, false, new byte[40]);
        (await again.NextRtpAsync("to the new connection, under the new handshake's keys")).Ssrc.Should().Be(a.OutgoingSsrc(KurentoMediaType.Audio));
    }

    [Fact]
    public async Task An_ICE_restart_of_the_same_connection_keeps_DTLS_and_asks_the_peer_for_a_keyframe_once_the_new_path_is_nominated()
    {
        var (a, b) = await _rig.CallAsync();
        await b.Browser.NextRtcpWithAsync(p => p.IsPli, "the keyframe request of the connection");
        const string newUfrag = "rEst";
        const string newPassword = "RestartedPassword0123456";
        var restartOffer = a.Browser.OfferSdp.Replace(a.Browser.Offer.Ufrag, newUfrag, StringComparison.Ordinal)
            .Replace(a.Browser.Offer.Password, newPassword, StringComparison.Ordinal);

        var answer = EndpointAnswer.Parse(a.Session.ProcessOffer(restartOffer));
        var check = await a.Browser.CheckAsync(useCandidate: false, answer.Password, $"{answer.Ufrag}:{newUfrag}");
        check.Class.Should().Be(StunMessageClass.SuccessResponse, "the new credentials are answered on the same address");
        a.Browser.SendRtp(KurentoMediaType.Video, 77, 9_000, true, new byte[100]);
        (await b.Browser.NextRtpAsync("from the same connection, still keyed")).Ssrc.Should().Be(b.OutgoingSsrc(KurentoMediaType.Video));

        (await a.Browser.CheckAsync(useCandidate: true, answer.Password, $"{answer.Ufrag}:{newUfrag}")).Class.Should().Be(StunMessageClass.SuccessResponse);

        var pli = await b.Browser.NextRtcpWithAsync(p => p.IsPli, "a keyframe request once A's new path is nominated");
        pli.MediaSsrc.Should().Be(b.Browser.Offer.VideoSsrc, "B's browser is asked for a keyframe of its own video, for A's decoder");
    }

    [Fact]
    public async Task A_check_of_the_old_credentials_reported_after_a_restart_neither_moves_the_new_ICE_state_nor_uses_up_its_keyframe_request()
    {
        // The transport reports a check after letting its receive gate go; a restart can come in between. The old agent's
        // Nominated then reported Connecting, Connected and Ready for credentials the browser had not checked yet, and
        // used up the restart's keyframe request, so the real nomination of the new path asked for none.
        var (a, b) = await _rig.CallAsync();
        await b.Browser.NextRtcpWithAsync(p => p.IsPli, "the keyframe request of the connection");
        var request = new byte[2048];
        var length = SimulatedBrowser.WriteCheck(request, $"{a.Browser.Answer!.Ufrag}:{a.Browser.Offer.Ufrag}", a.Browser.Answer.Password, useCandidate: true, out _);
        var link = new HeldLink();
        var remote = new IPEndPoint(IPAddress.Loopback, 40_000).Serialize();
        AddressKey.TryCreate(remote, out var key).Should().BeTrue();

        // A worker answers a nominating check of the old credentials and is held inside the receive gate, in the answer's send.
        var worker = new Thread(() => a.Session.Transport.OnDatagram(request, length, link, remote, key, new PacketContext()));
        worker.Start();
        link.Entered.Wait(SimulatedBrowser.Timeout).Should().BeTrue("the check is answered");

        // The restart takes the endpoint's lock, then waits for the receive gate; the check is reported once both let go.
        const string newUfrag = "rEst";
        const string newPassword = "RestartedPassword0123456";
        var restartOffer = a.Browser.OfferSdp.Replace(a.Browser.Offer.Ufrag, newUfrag, StringComparison.Ordinal)
            .Replace(a.Browser.Offer.Password, newPassword, StringComparison.Ordinal);
        string? answerSdp = null;
        var restart = new Thread(() => answerSdp = a.Session.ProcessOffer(restartOffer));
        restart.Start();
        await Eventually.TrueAsync(() => (restart.ThreadState & ThreadState.WaitSleepJoin) != 0, "the restart waits for the receive gate");
        await Task.Delay(100);
        var before = a.Events.Events.Count;
        link.Release.Set();
        restart.Join(SimulatedBrowser.Timeout).Should().BeTrue();
        worker.Join(SimulatedBrowser.Timeout).Should().BeTrue();

        a.Events.Events.Skip(before).OfType<IceStateChanged>().Should().BeEmpty("nothing was checked under the new credentials yet");

        var answer = EndpointAnswer.Parse(answerSdp!);
        (await a.Browser.CheckAsync(useCandidate: true, answer.Password, $"{answer.Ufrag}:{newUfrag}")).Class.Should().Be(StunMessageClass.SuccessResponse);
        await Eventually.TrueAsync(() => a.Events.Events.Skip(before).Contains(new IceStateChanged(KurentoIceState.Ready)), "Ready once the new path is nominated");
        var pli = await b.Browser.NextRtcpWithAsync(p => p.IsPli, "a keyframe request once A's new path is nominated");
        pli.MediaSsrc.Should().Be(b.Browser.Offer.VideoSsrc);
    }

    [Fact]
    public async Task ICE_restarts_while_the_browser_s_checks_keep_arriving_never_deadlock_the_endpoint()
    {
        // A restart holds the endpoint's negotiation lock and then takes its transport's receive gate; a check being
        // answered held the receive gate and then reported the ICE state under the negotiation lock. One of each at once
        // stopped both for good, and with them the media worker that had the next datagram for this endpoint.
        var (a, b) = await _rig.CallAsync();
        var credentials = new CheckCredentials($"{a.Browser.Answer!.Ufrag}:{a.Browser.Offer.Ufrag}", a.Browser.Answer.Password);
        using var stop = new CancellationTokenSource();
        var checks = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var current = Volatile.Read(ref credentials);
                a.Browser.SendCheck(current.Username, current.Password, useCandidate: true);
                await Task.Yield();
            }
        });

        for (var restart = 0; restart < 2000; restart++)
        {
            var (nextUfrag, nextPassword) = ($"r{restart:D4}", $"RestartPassword{restart:D4}abcdefgh");
            var offer = a.Browser.OfferSdp.Replace(a.Browser.Offer.Ufrag, nextUfrag, StringComparison.Ordinal)
                .Replace(a.Browser.Offer.Password, nextPassword, StringComparison.Ordinal);
            var answered = Task.Run(() => EndpointAnswer.Parse(a.Session.ProcessOffer(offer)));
            var answer = await answered.WaitAsync(TimeSpan.FromSeconds(10)); // a deadlock never answers
            Volatile.Write(ref credentials, new CheckCredentials($"{answer.Ufrag}:{nextUfrag}", answer.Password));
        }

        await stop.CancelAsync();
        await checks;

        // The flood of checks spent the still clock's window, and those still queued in the port's receive buffer (a
        // loaded machine's worker falls behind the sender) spend the next: a new window each time, until one is answered.
        ReceivedStun? last = null;
        for (var attempt = 0; last is null && attempt < 20; attempt++)
        {
            _rig.Clock.Advance(InboundMediaBudget.Window);
            try
            {
                last = await a.Browser.CheckAsync(useCandidate: true, credentials.Password, credentials.Username, wait: TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException)
            {
                // Dropped over the budget: the next window.
            }
        }

        last.Should().NotBeNull("the endpoint still answers checks once the flood is read");
        last!.Class.Should().Be(StunMessageClass.SuccessResponse, "the endpoint still answers its last credentials");
        b.Browser.SendRtp(KurentoMediaType.Audio, 3, 960, false, new byte[40]);
        (await a.Browser.NextRtpAsync("relayed after the restarts")).Ssrc.Should().Be(a.OutgoingSsrc(KurentoMediaType.Audio));
    }

    [Fact]
    public async Task An_offer_refused_first_leaves_the_endpoint_unnegotiated_and_the_next_is_answered_with_each_candidate_once()
    {
        var (session, _) = _rig.CreateSession();
        await using var passive = new SimulatedBrowser { EditOffer = sdp => sdp.Replace("a=setup:actpass", "a=setup:passive", StringComparison.Ordinal) };
        await using var browser = new SimulatedBrowser();

        var refused = () => session.ProcessOffer(passive.OfferSdp);
        refused.Should().Throw<KurentoErrorException>();
        var answer = session.ProcessOffer(browser.OfferSdp);

        var (fresh, _) = _rig.CreateSession();
        await using var other = new SimulatedBrowser();
        Candidates(answer).Should().NotBeEmpty().And.HaveCount(Candidates(fresh.ProcessOffer(other.OfferSdp)).Count, "the refused offer added no candidates of its own");
    }

    [Fact]
    public async Task The_same_ICE_credentials_again_are_40208_and_leave_the_call_as_it_was()
    {
        var (a, b) = await _rig.CallAsync();

        var again = () => a.Session.ProcessOffer(a.Browser.OfferSdp);

        again.Should().Throw<KurentoErrorException>().Which.Code.Should().Be(KurentoErrorCode.SdpEndPointAlreadyNegotiated);
        (await a.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse, "the path is untouched");
        a.Browser.SendRtp(KurentoMediaType.Audio, 1, 960, false, new byte[40]);
        (await b.Browser.NextRtpAsync()).Ssrc.Should().Be(b.OutgoingSsrc(KurentoMediaType.Audio));
    }

    [Fact]
    public async Task A_restart_that_changes_a_media_section_is_40208_and_a_malformed_one_40201()
    {
        var (a, _) = await _rig.CallAsync();
        await using var receiveOnly = new SimulatedBrowser { EditOffer = ReceiveOnlyVideo };

        var changesVideo = () => a.Session.ProcessOffer(receiveOnly.OfferSdp);
        var malformed = () => a.Session.ProcessOffer("v=0\r\nnot an offer");

        changesVideo.Should().Throw<KurentoErrorException>().Which.Code.Should().Be(KurentoErrorCode.SdpEndPointAlreadyNegotiated);
        malformed.Should().Throw<KurentoErrorException>().Which.Code.Should().Be(KurentoErrorCode.SdpParseError);
        (await a.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse, "nothing changed");
    }

    private sealed record CheckCredentials(string Username, string Password);

    private static List<string> Candidates(string sdp) => [.. sdp.Split("\r\n").Where(l => l.StartsWith("a=candidate:", StringComparison.Ordinal))];

    /// <summary>The offer with its video section receive-only: the browser would stop sending video.</summary>
    private static string ReceiveOnlyVideo(string sdp)
    {
        var video = sdp.IndexOf("m=video", StringComparison.Ordinal);
        var direction = sdp.IndexOf("a=sendrecv", video, StringComparison.Ordinal);
        return string.Concat(sdp.AsSpan(0, direction), "a=recvonly", sdp.AsSpan(direction + "a=sendrecv".Length));
    }

    /// <summary>An ICE-TCP-like link whose first send (the answer to a check, inside the receive gate) waits for the test.</summary>
    private sealed class HeldLink : IMediaLink
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public IceProtocol Protocol => IceProtocol.Tcp;

        public bool TrySend(ReadOnlySpan<byte> datagram, SocketAddress to, PacketContext? context, TransportCounters counters)
        {
            if (!Entered.IsSet)
            {
                Entered.Set();
                Release.Wait(SimulatedBrowser.Timeout);
            }

            return true;
        }
    }
}
