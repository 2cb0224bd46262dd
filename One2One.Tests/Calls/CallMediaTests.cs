using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Server.Media;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>The call server's side of the media, on one node.</summary>
public sealed class CallMediaTests : CallMediaScenarios<OneNode>;

/// <summary>
/// The call server's side of the media: what it asks the media server, in which order, and how every media
/// outcome ends a call. The media server is the scripted Kurento stand-in so replies can be held back and
/// faults injected; the real embedded media server is exercised by <see cref="CallWithEmbeddedMediaServerTests"/>.
/// Each person connects where <typeparamref name="TLayout"/> puts them: on one node, or alice (whose node the call lives
/// on and drives the media) and bob on two nodes of a cluster (<c>CallMediaAcrossNodesTests</c>).
/// </summary>
public abstract class CallMediaScenarios<TLayout>
    where TLayout : INodeLayout
{
    private static Task<ScriptedCall> StartCallAsync(Func<ScriptedKurentoServer, One2OneServerFactory>? createServer = null) =>
        ScriptedCall.StartAsync<TLayout>(createServer);

    [Fact]
    public async Task Placing_and_accepting_build_the_media_in_the_documented_order()
    {
        await using var call = await StartCallAsync();

        await call.ConnectAsync();

        var log = call.Media.Requests.Select(Describe).Where(s => s.Length > 0).ToList();
        var callerEndpoint = await call.EndpointOfAsync(ScriptedCall.CallerOffer);
        var calleeEndpoint = await call.EndpointOfAsync(ScriptedCall.CalleeOffer);
        log.IndexOf("create MediaPipeline").Should().Be(0);
        log.Should().ContainInOrder(
            "create WebRtcEndpoint", "create WebRtcEndpoint",
            $"connect {callerEndpoint} -> {calleeEndpoint}", $"connect {calleeEndpoint} -> {callerEndpoint}",
            $"processOffer {calleeEndpoint}", $"processOffer {callerEndpoint}",
            $"gatherCandidates {calleeEndpoint}", $"gatherCandidates {callerEndpoint}");
        var lastSubscribe = log.FindLastIndex(s => s.StartsWith("subscribe", StringComparison.Ordinal));
        var firstConnect = log.FindIndex(s => s.StartsWith("connect", StringComparison.Ordinal));
        lastSubscribe.Should().BeLessThan(firstConnect, "events are subscribed before any negotiation");
        foreach (var endpoint in new[] { callerEndpoint, calleeEndpoint })
        {
            log.Should().Contain([$"subscribe IceCandidateFound {endpoint}", $"subscribe IceComponentStateChanged {endpoint}", $"subscribe Error {endpoint}"]);
        }
    }

    [Fact]
    public async Task The_media_is_reserved_before_the_callee_rings_and_negotiated_only_after_the_accept()
    {
        await using var call = await StartCallAsync();

        await call.RingAsync();
        var beforeAccept = call.Media.Requests.Select(Describe).Where(s => s.Length > 0).ToList();
        await call.Bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        await call.Bob.ExpectAsync<StartCommunication>();
        await call.Alice.ExpectAsync<CallResponse>();

        beforeAccept.Should().Contain("create MediaPipeline");
        beforeAccept.Count(s => s == "create WebRtcEndpoint").Should().Be(2, "both endpoints exist before Bob's phone rings");
        beforeAccept.Count(s => s.StartsWith("connect", StringComparison.Ordinal)).Should().Be(2);
        beforeAccept.Should().NotContain(s => s.StartsWith("processOffer", StringComparison.Ordinal) || s.StartsWith("gatherCandidates", StringComparison.Ordinal),
            "an offer starts ICE and DTLS, and the caller's answer would say the call was accepted");
        call.Media.Requests.Count(r => r.Method == "create").Should().Be(3, "nothing is created after the accept");
    }

    [Fact]
    public async Task Browser_candidates_queued_before_the_endpoints_exist_are_all_applied_in_order()
    {
        await using var call = await StartCallAsync();
        var held = await call.PlaceHoldingAnEndpointAsync();
        await call.Alice.SendCandidateAsync(Candidate("alice", 1));
        await call.Alice.SendCandidateAsync(Candidate("alice", 2));

        await call.Media.ReleaseAsync(held);
        await call.Bob.ExpectAsync<IncomingCall>();
        await call.Alice.SendCandidateAsync(Candidate("alice", 3));
        await call.Bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        await call.Bob.SendCandidateAsync(Candidate("bob", 1));
        await call.Bob.SendCandidateAsync(Candidate("bob", 2));
        await call.Bob.ExpectAsync<StartCommunication>();
        await call.Alice.ExpectAsync<CallResponse>();

        var callerEndpoint = await call.EndpointOfAsync(ScriptedCall.CallerOffer);
        var calleeEndpoint = await call.EndpointOfAsync(ScriptedCall.CalleeOffer);
        var toCaller = await call.Media.WaitForRequestsAsync(r => r.IsInvoke("addIceCandidate") && r.Param("object") == callerEndpoint, 3);
        var toCallee = await call.Media.WaitForRequestsAsync(r => r.IsInvoke("addIceCandidate") && r.Param("object") == calleeEndpoint, 2);
        toCaller.Select(ScriptedCall.CandidateOf).Should().Equal(Candidate("alice", 1).Candidate, Candidate("alice", 2).Candidate, Candidate("alice", 3).Candidate);
        toCallee.Select(ScriptedCall.CandidateOf).Should().Equal(Candidate("bob", 1).Candidate, Candidate("bob", 2).Candidate);
    }

    [Fact]
    public async Task Media_server_candidates_never_reach_a_browser_before_its_answer()
    {
        await using var call = await StartCallAsync();
        call.Media.When(r => r.IsInvoke("processOffer") && ScriptedCall.OfferOf(r) == ScriptedCall.CalleeOffer, ScriptedReply.Hold, times: 1);
        await call.RingAsync();
        await call.Bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        var held = await call.Media.WaitForHeldAsync(1);
        var calleeEndpoint = held[0].Request.Param("object")!;

        // An early event (KMS may send events before the reply that caused them) must wait for the answer.
        await call.PushCandidateAsync(calleeEndpoint, "candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host");
        await call.Media.ReleaseAsync(held);

        await call.Bob.ExpectAsync<StartCommunication>();
        (await call.Bob.ExpectAsync<IceCandidate>()).Candidate.Candidate.Should().Contain("40000");
        await call.Alice.ExpectAsync<CallResponse>();
        var callerEndpoint = await call.EndpointOfAsync(ScriptedCall.CallerOffer);
        await call.PushCandidateAsync(callerEndpoint, "candidate:1 1 UDP 2015363327 127.0.0.1 40002 typ host");
        (await call.Alice.ExpectAsync<IceCandidate>()).Candidate.Should().Be(new IceCandidateInit("candidate:1 1 UDP 2015363327 127.0.0.1 40002 typ host", "0", 0));
    }

    [Fact]
    public async Task Hanging_up_in_call_releases_the_pipeline_once_and_tells_the_peer()
    {
        await using var call = await StartCallAsync();
        await call.ConnectAsync();
        var pipeline = await call.PipelineIdAsync();

        await call.Alice.StopAsync();

        var stop = await call.Bob.ExpectAsync<StopCommunication>();
        stop.Reason.Should().Be(Reasons.HungUp);
        stop.Message.Should().Contain("alice");
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
        (await call.PipelinesAsync()).Should().BeEmpty();
        await call.Bob.StopAsync();
        await call.Alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await call.Bob.ExpectAsync<IncomingCall>();
        call.ReleasesOf(pipeline).Should().Be(1, "a pipeline is released exactly once");
    }

    [Theory]
    [InlineData("caller")]
    [InlineData("callee")]
    public async Task Leaving_in_call_releases_the_pipeline_and_tells_the_peer(string who)
    {
        await using var call = await StartCallAsync();
        await call.ConnectAsync();
        var pipeline = await call.PipelineIdAsync();
        var (leaving, staying) = who == "caller" ? (call.Alice, call.Bob) : (call.Bob, call.Alice);

        await leaving.DisconnectAsync();

        // Held for a resume (Calls:ReconnectWindow, 3 s in the tests) first: the peer hears it is reconnecting, then that it left.
        (await staying.ExpectAsync<PeerReconnecting>()).Peer.Should().Be(who == "caller" ? "alice" : "bob");
        (await staying.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.PeerDisconnected);
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
        (await call.PipelinesAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Leaving_while_the_media_is_being_negotiated_releases_it_and_sends_no_answer()
    {
        await using var call = await StartCallAsync();
        call.Media.When(r => r.IsInvoke("processOffer") && ScriptedCall.OfferOf(r) == ScriptedCall.CalleeOffer, ScriptedReply.Hold, times: 1);
        await call.RingAsync();
        await call.Bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        var held = await call.Media.WaitForHeldAsync(1);
        var pipeline = held[0].Request.Param("object")!.Split('/')[0];

        await call.Alice.DisconnectAsync();

        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.PeerDisconnected);
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
        await call.Media.ReleaseAsync(held);
        await call.Bob.StopAsync();
        call.Bob.Drain().Should().BeEmpty("no answer is sent for a call that has ended");
        call.ReleasesOf(pipeline).Should().Be(1);
    }

    [Fact]
    public async Task A_pipeline_created_after_the_call_ended_is_released_too()
    {
        await using var call = await StartCallAsync();
        call.Media.When(r => r.Method == "create" && r.Type == "MediaPipeline", ScriptedReply.Hold, times: 1);
        await call.Alice.CallAsync("bob", ScriptedCall.CallerOffer);
        var held = await call.Media.WaitForHeldAsync(1);

        await call.Bob.DisconnectAsync();
        (await call.Alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.PeerDisconnected);
        await call.Media.ReleaseAsync(held);

        await Eventually.TrueAsync(() => call.Media.RequestsOf("release").Count == 1, "the late pipeline is released");
        (await call.PipelinesAsync()).Should().BeEmpty();
        call.Media.RequestsOf("create").Should().HaveCount(1, "nothing more is built for an ended call");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_media_server_error_event_is_logged_and_the_call_goes_on_since_KMS_raises_one_for_each_GStreamer_warning(bool onPipeline)
    {
        await using var call = await StartCallAsync();
        await call.ConnectAsync();
        var pipeline = await call.PipelineIdAsync();
        var source = onPipeline ? pipeline : await call.EndpointOfAsync(ScriptedCall.CalleeOffer);

        // As KMS words a decoder's warning (MediaElementImpl::processBusMessage: errors and warnings alike).
        await call.Media.PushEventAsync(source, "Error", new()
        {
            ["description"] = "Error code 7: Could not decode stream., source: vp8dec0, element: kmswebrtcendpoint1",
            ["errorCode"] = 7,
            ["type"] = "STREAM_ERROR_DECODE",
        });

        // Events are handled one at a time, in order: once Bob has the candidate pushed after it, the error was handled.
        var calleeEndpoint = await call.EndpointOfAsync(ScriptedCall.CalleeOffer);
        await call.Media.PushCandidateAsync(calleeEndpoint, "candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host");
        (await call.Bob.ExpectAsync<IceCandidate>()).Candidate.Candidate.Should().Contain("40000");
        await call.Bob.SetMediaStateAsync(new MediaState(Audio: false, Video: true));
        (await call.Alice.ExpectAsync<MediaState>()).Should().Be(new MediaState(false, true), "the call went on past the event");
        await Task.Delay(300);
        call.Alice.Drain().OfType<StopCommunication>().Should().BeEmpty();
        call.Bob.Drain().OfType<StopCommunication>().Should().BeEmpty();

        await call.Bob.StopAsync();
        (await call.Alice.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released once, at the hang-up");
    }

    [Fact]
    public async Task A_failed_DTLS_handshake_ends_the_call_with_a_reason()
    {
        await using var call = await StartCallAsync();
        await call.ConnectAsync();
        var pipeline = await call.PipelineIdAsync();

        await call.Media.PushEventAsync(await call.EndpointOfAsync(ScriptedCall.CalleeOffer), "Error",
            new() { ["description"] = "The DTLS handshake failed: bad certificate", ["errorCode"] = 999, ["type"] = "DTLS_HANDSHAKE_FAILED" });

        var alice = await call.Alice.ExpectAsync<StopCommunication>();
        alice.Reason.Should().Be(Reasons.MediaError);
        alice.Message.Should().Contain("DTLS handshake failed");
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.MediaError);
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
    }

    [Fact]
    public async Task A_refused_offer_ends_the_call_before_either_browser_is_answered_and_releases_the_pipeline()
    {
        await using var call = await StartCallAsync();
        call.Media.When(r => r.IsInvoke("processOffer") && ScriptedCall.OfferOf(r) == ScriptedCall.CallerOffer,
            ScriptedReply.Error(40201, "SDP_PARSE_ERROR", "Error parsing SDP"), times: 1);
        await call.RingAsync();

        await call.Bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);

        // Bob's offer was fine, but he is not told the call started when Alice's is refused.
        var bobEnd = await call.Bob.ExpectAsync<StopCommunication>();
        bobEnd.Reason.Should().Be(Reasons.InvalidOffer);
        var aliceEnd = await call.Alice.ExpectAsync<CallResponse>();
        aliceEnd.Response.Should().Be(Responses.Rejected);
        aliceEnd.Reason.Should().Be(Reasons.InvalidOffer);
        var pipeline = await call.PipelineIdAsync();
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
    }

    [Fact]
    public async Task A_media_servers_words_quoting_an_offer_reach_the_pages_with_hidden_characters_escaped()
    {
        await using var call = await StartCallAsync();
        call.Media.When(r => r.IsInvoke("processOffer") && ScriptedCall.OfferOf(r) == ScriptedCall.CallerOffer,
            ScriptedReply.Error(40201, "SDP_PARSE_ERROR", "Error parsing SDP near 'a=x\u202Eexe.txt'\nsecond line"), times: 1);
        await call.RingAsync();

        await call.Bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);

        var bobEnd = await call.Bob.ExpectAsync<StopCommunication>();
        bobEnd.Message.Should().Contain("a=x\\u202Eexe.txt").And.Contain("\\u000Asecond line")
            .And.NotContain("\u202E", "a bidirectional override in the caller's offer would reword the callee's screen");
        (await call.Alice.ExpectAsync<CallResponse>()).Message.Should().NotContain("\u202E");
    }

    [Fact]
    public async Task Losing_the_media_server_session_ends_a_ringing_call_too()
    {
        await using var call = await StartCallAsync();
        await call.RingAsync();

        call.Media.Restart();

        (await call.Alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.MediaServerLost);
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.MediaServerLost, "the ringing call's media is gone");
        await call.Alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await call.Bob.ExpectAsync<IncomingCall>();
    }

    [Fact]
    public async Task Losing_the_media_server_session_ends_calls_with_a_reason()
    {
        await using var call = await StartCallAsync();
        await call.ConnectAsync();

        call.Media.Restart();
        call.Media.DropConnections();

        (await call.Alice.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.MediaServerLost);
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.MediaServerLost);
        await call.Alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await call.Bob.ExpectAsync<IncomingCall>();
    }

    [Fact]
    public async Task A_media_server_that_never_answers_ends_the_call_after_the_setup_timeout()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var call = await StartCallAsync(media => new One2OneServerFactory { KurentoUri = media.Uri, CallClock = clock });
        call.Media.When(r => r.IsInvoke("processOffer"), ScriptedReply.Hold, times: 1);
        await call.RingAsync();
        await call.Bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        var held = await call.Media.WaitForHeldAsync(1);
        var pipeline = held[0].Request.Param("object")!.Split('/')[0];

        clock.Advance(TimeSpan.FromSeconds(31));

        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.MediaError);
        (await call.Alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.MediaError);
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
    }

    [Fact]
    public async Task An_unreachable_media_server_ends_the_call_with_a_reason()
    {
        await using var nodes = await TLayout.StartAsync(() => new One2OneServerFactory { KurentoUri = new Uri("ws://127.0.0.1:1/kurento") }
            .WithSetting("Kurento:RequestTimeout", "00:00:02"));
        await using var alice = await SignalingClient.RegisteredAsync(nodes.NodeOf("alice").HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(nodes.NodeOf("bob").HubUri, "bob");

        await alice.CallAsync("bob", ScriptedCall.CallerOffer);

        var aliceEnd = await alice.ExpectAsync<CallResponse>();
        aliceEnd.Reason.Should().Be(Reasons.MediaError);
        aliceEnd.Message.Should().Contain("media server");

        // The call failed before Bob's phone rang: his first message is about his own call, which fails the same way.
        await bob.CallAsync("alice", ScriptedCall.CallerOffer);
        (await bob.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.MediaError);
    }

    [Fact]
    public async Task A_user_in_a_call_is_busy_and_the_call_is_not_disturbed()
    {
        await using var call = await StartCallAsync();
        await call.ConnectAsync();
        await using var carol = await SignalingClient.RegisteredAsync(call.Nodes.NodeOf("carol").HubUri, "carol");

        await carol.CallAsync("bob", ScriptedCall.CallerOffer);

        (await carol.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Busy);
        await call.Alice.StopAsync();
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp, "Bob heard nothing of Carol's call");
    }

    [Fact]
    public async Task A_pipeline_release_the_media_server_never_answers_is_given_up_after_10_seconds_of_the_calls_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var call = await StartCallAsync(media => new One2OneServerFactory { KurentoUri = media.Uri, CallClock = clock });
        await call.ConnectAsync();
        var mediaServer = call.Server.Services.GetRequiredService<MediaServerPool>().Members.Single();
        mediaServer.ActiveCalls.Should().Be(1);
        call.Media.When(r => r.Method == "release", ScriptedReply.Hold, times: 1);

        await call.Alice.StopAsync();
        await call.Media.WaitForHeldAsync(1);
        clock.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(200);
        mediaServer.ActiveCalls.Should().Be(1, "the release is still awaited");
        clock.Advance(TimeSpan.FromSeconds(1));

        // Well within the 10 s the release would take on the real clock.
        await Eventually.TrueAsync(() => Task.FromResult(mediaServer.ActiveCalls == 0), "the call's place on the media server is given back", TimeSpan.FromSeconds(5));
    }

    private static IceCandidateInit Candidate(string who, int n) =>
        new($"candidate:{who}{n} 1 udp 2122260223 127.0.0.{n} {50000 + n} typ host", "0", 0);

    private static string Describe(ReceivedRequest r) => r.Method switch
    {
        "create" => $"create {r.Type}",
        "subscribe" => $"subscribe {r.Type} {r.Param("object")}",
        "invoke" when r.Operation == "connect" => $"connect {r.Param("object")} -> {r.Params?["operationParams"]?["sink"]?.GetValue<string>()}",
        "invoke" when r.Operation is "processOffer" or "gatherCandidates" => $"{r.Operation} {r.Param("object")}",
        _ => "",
    };
}
