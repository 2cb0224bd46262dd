using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Relay;
using One2One.MediaServer.Rtc.Sdp;
using One2One.MediaServer.Rtc.Stun;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// What a WebRtcSession reports while a simulated browser connects and sends, on a fake clock: ICE states and the
/// selected pair, DTLS states, connection state, media flow in and out, consent expiry.
/// </summary>
public sealed class RelayEventsTests : IAsyncLifetime
{
    private readonly RelayRig _rig = RelayRig.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Ice_goes_gathering_connecting_connected_ready_and_reports_the_selected_pair()
    {
        var endpoint = _rig.Negotiate();
        var candidates = endpoint.Events.OfType<CandidateFound>();
        candidates.Should().HaveCount(2, "a UDP host candidate, then a passive ICE-TCP one");
        var local = candidates[0];
        IceCandidate.TryParse(local.Candidate, out var udp, out _).Should().BeTrue();
        IceCandidate.TryParse(candidates[1].Candidate, out var tcp, out _).Should().BeTrue();
        (udp!.IsUdp, udp.Port).Should().Be((true, endpoint.Session.Transport.LocalPort));
        (tcp!.IsTcp, tcp.Extension("tcptype"), (int?)tcp.Port).Should().Be((true, "passive", endpoint.Session.Transport.TcpPort));
        tcp.Priority.Should().BeLessThan(udp.Priority, "a browser that can use UDP does");
        endpoint.Events.OfType<GatheringDone>().Should().ContainSingle();

        await endpoint.Browser.CompleteIceAsync();
        var pair = await endpoint.Events.WaitForAsync<CandidatePairSelected>(because: "after the browser nominated its pair");

        endpoint.Events.OfType<IceStateChanged>().Select(e => e.State).Should().Equal(
            KurentoIceState.Gathering, KurentoIceState.Connecting, KurentoIceState.Connected, KurentoIceState.Ready);
        pair.LocalCandidate.Should().Be(local.Candidate);
        IceCandidate.TryParse(pair.RemoteCandidate, out var remote, out _).Should().BeTrue(pair.RemoteCandidate);
        remote!.Port.Should().Be(endpoint.Browser.LocalEndPoint.Port, "the browser trickled this candidate");
        remote.Type.Should().Be("host");
        endpoint.Events.OfType<CandidatePairSelected>().Should().ContainSingle();
    }

    [Fact]
    public async Task Checks_on_the_udp_and_the_tcp_pair_at_once_report_the_ice_states_in_order_and_the_pair_last_selected()
    {
        var endpoint = _rig.Negotiate();
        using var holding = new ManualResetEventSlim();
        var held = 0;
        endpoint.Events.BeforeRecording = e =>
        {
            if (e is IceStateChanged { State: KurentoIceState.Connecting } && Interlocked.Exchange(ref held, 1) == 0)
            {
                // The UDP check's worker is held up reporting CONNECTING while the ICE-TCP nomination is handled.
                holding.Set();
                Thread.Sleep(500);
            }
        };

        var udp = endpoint.Browser.CheckAsync(useCandidate: false);
        holding.Wait(SimulatedBrowser.Timeout).Should().BeTrue("the UDP check reports CONNECTING");
        var answer = endpoint.Browser.Answer!;
        var check = new byte[StunWriter.MaxLength + 2];
        var length = SimulatedBrowser.WriteCheck(check.AsSpan(2), $"{answer.Ufrag}:{endpoint.Browser.Offer.Ufrag}", answer.Password, useCandidate: true, out _);
        BinaryPrimitives.WriteUInt16BigEndian(check, (ushort)length);
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await tcp.ConnectAsync(IPAddress.Loopback, endpoint.Session.Transport.TcpPort!.Value);
        await tcp.SendAsync(check.AsMemory(0, length + 2));
        (await udp).Class.Should().Be(StunMessageClass.SuccessResponse);
        await endpoint.Events.WaitForAsync<CandidatePairSelected>(because: "after the nomination over ICE-TCP");
        await Eventually.TrueAsync(() => endpoint.Events.OfType<IceStateChanged>().Count == 4, "every state is reported");

        endpoint.Events.OfType<IceStateChanged>().Select(e => e.State).Should().Equal(
            KurentoIceState.Gathering, KurentoIceState.Connecting, KurentoIceState.Connected, KurentoIceState.Ready);
        endpoint.Events.OfType<CandidatePairSelected>().Should().ContainSingle().Which.LocalCandidate.Should().Contain(" TCP ");
    }

    [Fact]
    public void The_answer_carries_the_host_candidates_so_the_browser_need_not_wait_for_them_and_they_are_still_trickled()
    {
        var (session, events) = _rig.CreateSession();
        var answer = SessionDescription.Parse(session.ProcessOffer(new SimulatedBrowser().OfferSdp));
        events.OfType<CandidateFound>().Should().BeEmpty("nothing is trickled before gatherCandidates");

        session.GatherCandidates();

        var trickled = events.OfType<CandidateFound>().Select(c => c.Candidate).ToArray();
        trickled.Should().HaveCount(2, "a UDP host candidate, then a passive ICE-TCP one");
        answer.Media.Where(m => m.Port != 0).Should().NotBeEmpty().And.OnlyContain(
            m => m.Candidates.SequenceEqual(trickled), "every accepted section of the answer lists the candidates gatherCandidates reports");
    }

    [Fact]
    public async Task A_browser_that_checks_from_the_answers_candidate_before_gatherCandidates_still_sees_gathering_first()
    {
        var (session, events) = _rig.CreateSession();
        var browser = new SimulatedBrowser();
        await using var disposeBrowser = browser;
        var answer = session.ProcessOffer(browser.OfferSdp);
        IceCandidate.TryParse(SessionDescription.Parse(answer).Media[0].Candidates[0], out var local, out _).Should().BeTrue();
        browser.AcceptAnswer(answer, new IPEndPoint(local!.IPAddress!, local.Port));

        (await browser.CheckAsync(useCandidate: true)).Class.Should().Be(StunMessageClass.SuccessResponse);
        await events.WaitForAsync<CandidatePairSelected>();
        session.GatherCandidates();
        var states = events.OfType<IceStateChanged>().Select(e => e.State).ToArray();
        var trickled = events.OfType<CandidateFound>().Count;
        await session.DisposeAsync();

        states.Should().Equal(KurentoIceState.Gathering, KurentoIceState.Connecting, KurentoIceState.Connected, KurentoIceState.Ready);
        trickled.Should().Be(2, "gatherCandidates still trickles them, as KMS");
    }

    [Fact]
    public void A_repeated_gatherCandidates_succeeds_and_reports_nothing_again_as_KMS()
    {
        var endpoint = _rig.Negotiate();
        var reported = endpoint.Events.Events;

        for (var i = 0; i < 100; i++)
        {
            endpoint.Session.GatherCandidates();
        }

        endpoint.Events.Events.Should().Equal(reported, "libnice ignores gathering on a stream that already gathered");
        endpoint.Events.OfType<CandidateFound>().Should().HaveCount(2, "one UDP and one ICE-TCP candidate, once");
        endpoint.Events.OfType<GatheringDone>().Should().ContainSingle();
    }

    [Fact]
    public async Task A_nomination_from_an_address_the_browser_never_announced_is_reported_as_peer_reflexive()
    {
        var (session, events) = _rig.CreateSession();
        var browser = new SimulatedBrowser();
        await using var disposeBrowser = browser;
        var answer = session.ProcessOffer(browser.OfferSdp);
        session.GatherCandidates();
        IceCandidate.TryParse(events.OfType<CandidateFound>()[0].Candidate, out var local, out _);
        browser.AcceptAnswer(answer, new IPEndPoint(local!.IPAddress!, local.Port));

        (await browser.CheckAsync(useCandidate: true)).Class.Should().Be(StunMessageClass.SuccessResponse);
        var pair = await events.WaitForAsync<CandidatePairSelected>();
        await session.DisposeAsync();

        IceCandidate.TryParse(pair.RemoteCandidate, out var remote, out _).Should().BeTrue(pair.RemoteCandidate);
        remote!.Type.Should().Be("prflx");
        remote.Port.Should().Be(browser.LocalEndPoint.Port);
    }

    [Fact]
    public async Task Dtls_goes_connecting_connected_and_the_connection_is_reported_then_closed_by_the_browser()
    {
        var endpoint = _rig.Negotiate();
        await endpoint.Browser.CompleteIceAsync();

        await endpoint.Browser.CompleteDtlsAsync();
        await endpoint.Events.WaitForAsync<ConnectionChanged>(c => c.Connected);
        endpoint.Browser.CloseDtls();
        await endpoint.Events.WaitForAsync<ConnectionChanged>(c => !c.Connected, "after the browser's close_notify");

        endpoint.Events.OfType<DtlsStateChanged>().Select(e => e.State).Should().Equal(
            DtlsConnectionState.Connecting, DtlsConnectionState.Connected, DtlsConnectionState.Closed);
        endpoint.Events.OfType<ConnectionChanged>().Select(e => e.Connected).Should().Equal(true, false);
        endpoint.Events.OfType<SessionError>().Should().BeEmpty();
    }

    [Fact]
    public async Task Media_flow_in_and_out_is_flowing_on_the_first_packet_and_not_flowing_after_two_seconds_of_silence()
    {
        var (a, b) = await _rig.CallAsync();

        a.Browser.SendRtp(KurentoMediaType.Audio, 1, 960, false, new byte[40]);
        await b.Browser.NextRtpAsync();
        await a.Events.WaitForAsync<FlowInChanged>(e => e.Kind == KurentoMediaType.Audio && e.Flowing);
        await b.Events.WaitForAsync<FlowOutChanged>(e => e.Kind == KurentoMediaType.Audio && e.Flowing);
        a.Session.IsMediaFlowingIn(KurentoMediaType.Audio).Should().BeTrue();
        b.Session.IsMediaFlowingOut(KurentoMediaType.Audio).Should().BeTrue();
        a.Session.IsMediaFlowingIn(KurentoMediaType.Video).Should().BeFalse();

        _rig.AdvanceSeconds(2);
        a.Events.OfType<FlowInChanged>().Should().ContainSingle("two seconds of silence is not yet a stop");

        _rig.AdvanceSeconds(1);
        a.Events.OfType<FlowInChanged>().Should().Equal(new FlowInChanged(KurentoMediaType.Audio, true), new FlowInChanged(KurentoMediaType.Audio, false));
        b.Events.OfType<FlowOutChanged>().Should().Equal(new FlowOutChanged(KurentoMediaType.Audio, true), new FlowOutChanged(KurentoMediaType.Audio, false));
        a.Session.IsMediaFlowingIn(KurentoMediaType.Audio).Should().BeFalse();
        b.Session.IsMediaFlowingOut(KurentoMediaType.Audio).Should().BeFalse();

        a.Browser.SendRtp(KurentoMediaType.Audio, 2, 1920, false, new byte[40]);
        await a.Events.WaitForAsync<FlowInChanged>(e => e.Kind == KurentoMediaType.Audio && e.Flowing && a.Events.OfType<FlowInChanged>().Count == 3);
        a.Events.OfType<FlowInChanged>().Should().NotContain(e => e.Kind == KurentoMediaType.Video, "no video was sent");
        a.Events.OfType<FlowOutChanged>().Should().BeEmpty("B sent nothing");
    }

    [Fact]
    public async Task Without_a_check_for_30_seconds_consent_expires_and_ice_fails()
    {
        var endpoint = await _rig.ConnectAsync();

        _rig.AdvanceSeconds(20);
        (await endpoint.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse);
        _rig.AdvanceSeconds(30);
        endpoint.Events.OfType<IceStateChanged>().Should().NotContain(e => e.State == KurentoIceState.Failed, "the check 30 s ago renewed consent");

        _rig.AdvanceSeconds(1);

        endpoint.Events.OfType<IceStateChanged>().Last().State.Should().Be(KurentoIceState.Failed);
        endpoint.Events.OfType<ConnectionChanged>().Select(e => e.Connected).Should().Equal(true, false);
    }

    [Fact]
    public async Task Once_a_browsers_consent_expires_nothing_more_is_sent_to_it_until_a_check_renews_it()
    {
        var (a, b) = await _rig.CallAsync();
        _rig.AdvanceSeconds(20);
        (await a.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse, "A keeps its consent");
        _rig.AdvanceSeconds(11);
        b.Events.OfType<IceStateChanged>().Last().State.Should().Be(KurentoIceState.Failed, "B's last check was 31 s ago");

        // RFC 7675 §5.1: without consent, media must stop; what A sends B is not sent.
        var failedBefore = b.Session.Transport.Counters.SendFailed;
        a.Browser.SendRtp(KurentoMediaType.Audio, 1, 0, false, [1, 1, 1]);
        await Eventually.TrueAsync(() => b.Session.Transport.Counters.SendFailed > failedBefore, "A's packet is not sent to B, whose consent expired");

        // B's browser is there after all: its next check renews consent, and media goes to it again.
        (await b.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse);
        a.Browser.SendRtp(KurentoMediaType.Audio, 2, 960, false, [2, 2, 2]);
        (await b.Browser.NextRtpAsync("once consent is renewed")).Packet[^3..].ToArray().Should().Equal([2, 2, 2], "the packet sent without consent never went out");
    }

    [Fact]
    public async Task Once_a_check_on_the_selected_pair_renews_expired_consent_the_endpoint_is_connected_and_ready_again()
    {
        var endpoint = await _rig.ConnectAsync();
        endpoint.Session.IceState.Should().Be(KurentoIceState.Ready, "getIceConnectionState reads what the events said");
        _rig.AdvanceSeconds(31);
        endpoint.Events.OfType<IceStateChanged>().Last().State.Should().Be(KurentoIceState.Failed);
        endpoint.Session.IceState.Should().Be(KurentoIceState.Failed);
        endpoint.Events.OfType<ConnectionChanged>().Select(e => e.Connected).Should().Equal(true, false);

        (await endpoint.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse);
        await endpoint.Events.WaitForAsync<ConnectionChanged>(_ => endpoint.Events.OfType<ConnectionChanged>().Count == 3, "once consent is back");
        endpoint.Session.IceState.Should().Be(KurentoIceState.Ready);

        endpoint.Events.OfType<IceStateChanged>().Select(e => e.State).Should().Equal(
            KurentoIceState.Gathering, KurentoIceState.Connecting, KurentoIceState.Connected, KurentoIceState.Ready,
            KurentoIceState.Failed, KurentoIceState.Connected, KurentoIceState.Ready);
        endpoint.Events.OfType<ConnectionChanged>().Select(e => e.Connected).Should().Equal(true, false, true);

        // Renewing a consent that never expired reports nothing; and it can expire again.
        var reported = endpoint.Events.Events.Count;
        (await endpoint.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse);
        (await endpoint.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse);
        endpoint.Events.Events.Count.Should().Be(reported);
        _rig.AdvanceSeconds(31);
        endpoint.Events.OfType<IceStateChanged>().Last().State.Should().Be(KurentoIceState.Failed);
        endpoint.Events.OfType<ConnectionChanged>().Select(e => e.Connected).Should().Equal(true, false, true, false);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // Firefox: it nominates once, and its later checks (from wherever its NAT now maps it) never carry USE-CANDIDATE
    public async Task A_check_of_another_pair_after_consent_expired_nominating_or_not_reports_the_endpoint_ready_on_that_pair(bool useCandidate)
    {
        var endpoint = await _rig.ConnectAsync();
        _rig.AdvanceSeconds(31);
        using var moved = SocketTo(endpoint);

        (await CheckFromAsync(moved, endpoint, useCandidate)).Class.Should().Be(StunMessageClass.SuccessResponse);
        await endpoint.Events.WaitForAsync<ConnectionChanged>(_ => endpoint.Events.OfType<ConnectionChanged>().Count == 3, "once consent is back on the new pair");

        endpoint.Events.OfType<IceStateChanged>().Select(e => e.State).Should().EndWith(
            [KurentoIceState.Failed, KurentoIceState.Connected, KurentoIceState.Ready]);
        endpoint.Events.OfType<ConnectionChanged>().Select(e => e.Connected).Should().Equal(true, false, true);
        // The pair is reported after the connection (once the endpoint's lock is let go): waited for, not read at once.
        var port = ((IPEndPoint)moved.LocalEndPoint!).Port;
        await endpoint.Events.WaitForAsync<CandidatePairSelected>(
            p => IceCandidate.TryParse(p.RemoteCandidate, out var remote, out _) && remote!.Port == port, "the new pair selected");
    }

    [Fact]
    public async Task An_endpoint_whose_dtls_the_browser_closed_stays_failed_when_a_check_comes_after_its_consent_expired()
    {
        var endpoint = await _rig.ConnectAsync();
        endpoint.Browser.CloseDtls();
        await endpoint.Events.WaitForAsync<ConnectionChanged>(c => !c.Connected, "after the browser's close_notify");
        _rig.AdvanceSeconds(31);

        // The second answer, on the same worker, means the first check was reported.
        (await endpoint.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse);
        (await endpoint.Browser.CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse);

        endpoint.Events.OfType<IceStateChanged>().Last().State.Should().Be(KurentoIceState.Failed, "no media can flow without DTLS: the path did not return");
        endpoint.Events.OfType<ConnectionChanged>().Last().Connected.Should().BeFalse();
        endpoint.Events.OfType<ConnectionChanged>().Count(e => e.Connected).Should().Be(1, "only the handshake's");
    }

    [Fact]
    public async Task An_ICE_restart_that_keeps_DTLS_after_consent_expired_reports_the_endpoint_ready_and_connected_again()
    {
        var endpoint = await _rig.ConnectAsync();
        _rig.AdvanceSeconds(31);
        endpoint.Events.OfType<IceStateChanged>().Last().State.Should().Be(KurentoIceState.Failed);
        const string newUfrag = "rEst";
        const string newPassword = "RestartedPassword0123456";
        var restartOffer = endpoint.Browser.OfferSdp.Replace(endpoint.Browser.Offer.Ufrag, newUfrag, StringComparison.Ordinal)
            .Replace(endpoint.Browser.Offer.Password, newPassword, StringComparison.Ordinal);

        var answer = EndpointAnswer.Parse(endpoint.Session.ProcessOffer(restartOffer));
        (await endpoint.Browser.CheckAsync(useCandidate: false, answer.Password, $"{answer.Ufrag}:{newUfrag}")).Class.Should().Be(StunMessageClass.SuccessResponse);
        (await endpoint.Browser.CheckAsync(useCandidate: true, answer.Password, $"{answer.Ufrag}:{newUfrag}")).Class.Should().Be(StunMessageClass.SuccessResponse);
        await endpoint.Events.WaitForAsync<IceStateChanged>(_ => endpoint.Events.OfType<IceStateChanged>().Count == 8, "Ready on the restarted path");

        endpoint.Events.OfType<IceStateChanged>().Select(e => e.State).Should().EndWith(
            [KurentoIceState.Failed, KurentoIceState.Connecting, KurentoIceState.Connected, KurentoIceState.Ready]);
        endpoint.Events.OfType<ConnectionChanged>().Select(e => e.Connected).Should().Equal([true, false, true], "the restart kept DTLS: the connection is up again");
    }

    [Fact]
    public async Task A_dtls_handshake_that_never_starts_fails_after_30_seconds_on_the_servers_clock()
    {
        var endpoint = _rig.Negotiate();
        await endpoint.Browser.CompleteIceAsync();

        _rig.AdvanceSeconds(31);

        await endpoint.Events.WaitForAsync<DtlsStateChanged>(e => e.State == DtlsConnectionState.Failed);
        var error = await endpoint.Events.WaitForAsync<SessionError>();
        error.Type.Should().Be("DTLS_HANDSHAKE_FAILED");
    }

    [Fact]
    public async Task GetStats_counts_packets_and_bytes_per_stream_both_ways()
    {
        var (a, b) = await _rig.CallAsync();
        var audio = new[] { 60, 61, 62 }.Select((n, i) => a.Browser.SendRtp(KurentoMediaType.Audio, (ushort)i, 0, false, new byte[n])).ToArray();
        var video = new[] { 1000, 1100 }.Select((n, i) => a.Browser.SendRtp(KurentoMediaType.Video, (ushort)i, 0, false, new byte[n])).ToArray();
        var back = b.Browser.SendRtp(KurentoMediaType.Audio, 1, 0, false, new byte[33]);
        for (var i = 0; i < audio.Length + video.Length; i++)
        {
            await b.Browser.NextRtpAsync();
        }

        await a.Browser.NextRtpAsync();
        await Eventually.TrueAsync(() => Stat(b.Session, KurentoMediaType.Video, inbound: false).Packets == 2 && Stat(a.Session, KurentoMediaType.Audio, inbound: false).Packets == 1, "the sends are counted");

        Stat(a.Session, KurentoMediaType.Audio, inbound: true).Should().Match<WebRtcStreamStats>(s =>
            s.Packets == 3 && s.Bytes == audio.Sum(p => p.Length) && s.Ssrc == a.Browser.Offer.AudioSsrc && s.Codec == "opus");
        Stat(a.Session, KurentoMediaType.Video, inbound: true).Should().Match<WebRtcStreamStats>(s =>
            s.Packets == 2 && s.Bytes == video.Sum(p => p.Length) && s.Ssrc == a.Browser.Offer.VideoSsrc && s.Codec == "VP8");
        Stat(b.Session, KurentoMediaType.Audio, inbound: false).Should().Match<WebRtcStreamStats>(s =>
            s.Packets == 3 && s.Bytes == audio.Sum(p => p.Length) && s.Ssrc == b.OutgoingSsrc(KurentoMediaType.Audio));
        Stat(b.Session, KurentoMediaType.Video, inbound: false).Should().Match<WebRtcStreamStats>(s =>
            s.Packets == 2 && s.Bytes == video.Sum(p => p.Length) && s.Ssrc == b.OutgoingSsrc(KurentoMediaType.Video));
        Stat(b.Session, KurentoMediaType.Audio, inbound: true).Should().Match<WebRtcStreamStats>(s => s.Packets == 1 && s.Bytes == back.Length);
        Stat(a.Session, KurentoMediaType.Audio, inbound: false).Should().Match<WebRtcStreamStats>(s => s.Packets == 1 && s.Bytes == back.Length);
        Stat(a.Session, KurentoMediaType.Video, inbound: false).Packets.Should().Be(0);
        Stat(b.Session, KurentoMediaType.Video, inbound: true).Packets.Should().Be(0);
    }

    /// <summary>A socket of the browser's machine other than the one it connected from: another candidate pair.</summary>
    private static Socket SocketTo(RelayEndpoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Connect(new IPEndPoint(IPAddress.Loopback, endpoint.Session.Transport.LocalPort));
        return socket;
    }

    /// <summary>A check under the browser's credentials from <paramref name="socket"/>, and the answer.</summary>
    private static async Task<ReceivedStun> CheckFromAsync(Socket socket, RelayEndpoint endpoint, bool useCandidate)
    {
        var request = new byte[StunWriter.MaxLength];
        var answer = endpoint.Browser.Answer!;
        var length = SimulatedBrowser.WriteCheck(request, $"{answer.Ufrag}:{endpoint.Browser.Offer.Ufrag}", answer.Password, useCandidate, out _);
        await socket.SendAsync(request.AsMemory(0, length));
        var response = new byte[512];
        using var timeout = new CancellationTokenSource(SimulatedBrowser.Timeout);
        var received = await socket.ReceiveAsync(response, SocketFlags.None, timeout.Token);
        return new ReceivedStun(response[..received]);
    }

    private static WebRtcStreamStats Stat(WebRtcSession session, KurentoMediaType kind, bool inbound) =>
        session.GetStats().Single(s => s.Kind == kind && s.Inbound == inbound);
}
