using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Hosting;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Hosting;
using One2One.Tests.Kurento.Support;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Observability.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// Renegotiate: a page that comes back with a new RTCPeerConnection during a call gets a new endpoint in the call's
/// pipeline. The real server with its embedded media server, simulated browsers that really pass ICE and DTLS-SRTP.
/// </summary>
public sealed class RenegotiationTests : RenegotiationScenarios<OneNode>;

/// <summary>
/// Renegotiation's scenarios; alice (the caller, who offers again: the call and its media live on her node) and bob
/// connect where <typeparamref name="TLayout"/> puts them: one node (<see cref="RenegotiationTests"/>) or two
/// (<c>RenegotiationAcrossNodesTests</c>).
/// </summary>
public abstract class RenegotiationScenarios<TLayout> : IAsyncLifetime
    where TLayout : INodeLayout
{
    private IScenarioNodes _nodes = null!;

    /// <summary>The media server of the node the call lives on.</summary>
    private MediaServerDiagnostics Diagnostics =>
        _nodes.NodeOf("alice").Services.GetRequiredService<EmbeddedMediaServerHost>().Server.Diagnostics;

    public async Task InitializeAsync() => _nodes = await TLayout.StartAsync(() => new One2OneServerFactory());

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    private Task<MediaCall> RegisterCallAsync() =>
        MediaCall.RegisterAsync(_nodes.NodeOf("alice").HubUri, _nodes.NodeOf("bob").HubUri, Names.Unique("alice"), Names.Unique("bob"));

    [Fact]
    public async Task After_the_caller_offers_again_its_endpoint_restarts_ICE_and_media_flows_both_ways_through_it()
    {
        await using var call = await RegisterCallAsync();
        await call.ConnectAsync();
        await call.ExchangeVideoAsync(3);
        var oldAnswer = call.CallerBrowser.Answer!;

        await using var moved = await call.CallerRenegotiatesAsync();

        moved.Answer!.Ufrag.Should().NotBe(oldAnswer.Ufrag, "an ICE restart has new credentials");
        moved.Answer.Ssrc(KurentoMediaType.Video).Should().Be(oldAnswer.Ssrc(KurentoMediaType.Video), "the same endpoint, sending as before");
        await MediaCall.SendUntilRelayedAsync(moved, call.CalleeBrowser);
        await MediaCall.SendUntilRelayedAsync(call.CalleeBrowser, moved);
        moved.SendRtp(KurentoMediaType.Video, 900, 90_000, true, new byte[800]);
        (await call.CalleeBrowser.NextRtpAsync("the caller's video from its new connection")).PayloadType.Should().Be(call.CalleeBrowser.PayloadType(KurentoMediaType.Video));
        Diagnostics.GetCounts().Should().Match<MediaServerCounts>(c => c.Pipelines == 1 && c.Endpoints == 2, "no endpoint was added: the embedded media server restarts ICE on the side's own");
        call.Callee.Drain().OfType<StopCommunication>().Should().BeEmpty("the call never ended");
        call.Caller.Drain().OfType<StopCommunication>().Should().BeEmpty("the call never ended");

        await call.HangUpAsync();
        await Eventually.TrueAsync(() => Diagnostics.GetCounts() is { Pipelines: 0, Endpoints: 0 }, "hanging up releases the endpoints with the pipeline");
    }

    [Fact]
    public async Task Renegotiating_many_times_keeps_only_the_candidate_pumps_still_running()
    {
        // A long call whose page renegotiates now and then (network changes) must not hold one more task per renegotiation.
        await using var call = await ScriptedCall.StartAsync<TLayout>();
        await call.ConnectAsync();
        var media = call.Server.Services.GetRequiredService<CallService>().ActiveCalls.Single().Media;
        media.HeldPumpCount.Should().Be(2, "one pump per side");

        for (int i = 0; i < 8; i++)
        {
            await call.Alice.RenegotiateAsync($"v=0\r\no=- {10 + i} {10 + i} IN IP4 0.0.0.0\r\ns=caller-{i}\r\n");
            await call.Alice.WaitForAsync<Renegotiated>();
        }

        media.HeldPumpCount.Should().BeLessThanOrEqualTo(3, "the pumps of replaced candidate queues ended and were let go");
        // The replaced endpoint is released just after Renegotiated is sent.
        await Eventually.TrueAsync(
            () => media.Pipeline!.ChildCount == 2,
            "the pipeline forgets each endpoint a renegotiation replaced and released (on KMS, one per renegotiation)");
        await call.Alice.StopAsync();
    }

    /// <summary>
    /// The callee's browser keeps one stream per kind: the moved caller's packets continue its sequence numbers (a jump
    /// backwards would fall outside its SRTP replay window), and the caller's new page is asked for a keyframe at once.
    /// </summary>
    [Fact]
    public async Task After_the_caller_moves_its_video_continues_the_callees_stream_and_its_new_page_is_asked_for_a_keyframe()
    {
        await using var call = await RegisterCallAsync();
        await call.ConnectAsync();
        await call.ExchangeVideoAsync(3); // the callee's last video from the caller: sequence number 102

        await using var moved = await call.CallerRenegotiatesAsync();
        await MediaCall.SendUntilRelayedAsync(moved, call.CalleeBrowser);
        moved.SendRtp(KurentoMediaType.Video, 40_000, 7_000_000, true, new byte[800]);

        var video = call.CalleeBrowser.PayloadType(KurentoMediaType.Video);
        ReceivedRtp packet;
        do
        {
            packet = await call.CalleeBrowser.NextRtpAsync("the caller's video from its new connection");
        }
        while (packet.PayloadType != video);

        packet.SequenceNumber.Should().Be(103, "the stream goes on where the old connection left it");
        (await moved.NextRtcpWithAsync(r => r.IsPli, "a keyframe request for the callee")).IsPli.Should().BeTrue();
    }

    /// <summary>
    /// As KMS sees it (the scripted stand-in): a new endpoint in the call's pipeline, connected both ways with the
    /// peer's, then processOffer and gatherCandidates; the old endpoint released. Candidates the page sends after its
    /// new offer reach the new endpoint, and the replaced endpoint's ICE failure no longer ends the call.
    /// </summary>
    [Fact]
    public async Task On_KMS_the_side_moves_to_a_new_endpoint_in_the_same_pipeline_and_the_old_endpoint_no_longer_counts()
    {
        const string newOffer = "v=0\r\no=- 9 9 IN IP4 0.0.0.0\r\ns=caller-again\r\n";
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var call = await ScriptedCall.StartAsync<TLayout>(media => new One2OneServerFactory { KurentoUri = media.Uri, CallClock = clock });
        call.Media.SdpAnswer = offer => offer.Contains("s=caller-again", StringComparison.Ordinal) ? "answer-for-new-caller"
            : offer.Contains("s=caller", StringComparison.Ordinal) ? "answer-for-caller" : "answer-for-callee";
        await call.ConnectAsync();
        var oldEndpoint = await call.EndpointOfAsync(ScriptedCall.CallerOffer);
        var calleeEndpoint = await call.EndpointOfAsync(ScriptedCall.CalleeOffer);
        var pipeline = oldEndpoint.Split('/')[0];

        // The old endpoint's release is held back: until it is done, its events still arrive.
        call.Media.When(r => r.Method == "release" && r.Param("object") == oldEndpoint, ScriptedReply.Hold, times: 1);
        await call.Alice.RenegotiateAsync(newOffer);
        await call.Alice.SendCandidateAsync(new IceCandidateInit("candidate:9 1 udp 2122260223 192.0.2.7 50000 typ host", "0", 0));

        (await call.Alice.WaitForAsync<Renegotiated>()).Message.SdpAnswer.Should().Be("answer-for-new-caller");
        var newEndpoint = await call.EndpointOfAsync(newOffer);
        newEndpoint.Should().StartWith(pipeline + "/", "the new endpoint is in the call's pipeline").And.NotBe(oldEndpoint);
        await call.Media.WaitForRequestAsync(r => r.IsInvoke("connect") && r.Param("object") == newEndpoint && Sink(r) == calleeEndpoint);
        await call.Media.WaitForRequestAsync(r => r.IsInvoke("connect") && r.Param("object") == calleeEndpoint && Sink(r) == newEndpoint);
        await call.Media.WaitForRequestAsync(r => r.IsInvoke("gatherCandidates") && r.Param("object") == newEndpoint);
        await call.Media.WaitForRequestAsync(r => r.IsInvoke("addIceCandidate") && r.Param("object") == newEndpoint);
        var release = await call.Media.WaitForHeldAsync(1);

        // Events arrive in order: had the old endpoint's failure ended the call, the page would hear that before the
        // new endpoint's candidate, which it then would not get at all.
        await call.Media.PushEventAsync(oldEndpoint, "IceComponentStateChanged", new() { ["state"] = "FAILED", ["streamId"] = 1, ["componentId"] = 1 });
        await call.PushCandidateAsync(newEndpoint, "candidate:1 1 udp 2122260223 198.51.100.1 40000 typ host");
        var (candidate, before) = await call.Alice.WaitForAsync<IceCandidate>();
        candidate.Candidate.Candidate.Should().Contain("198.51.100.1", "the new endpoint's candidates reach the page");
        before.OfType<StopCommunication>().Should().BeEmpty("the replaced endpoint's ICE failure does not end the call");

        await call.Media.ReleaseAsync(release);
        await Eventually.TrueAsync(() => call.ReleasesOf(oldEndpoint) == 1, "the old endpoint is released");

        // The new endpoint connects (the renegotiation's own window ends), then fails: only that failure can end the call.
        await call.Media.PushEventAsync(newEndpoint, "IceComponentStateChanged", new() { ["state"] = "CONNECTED", ["streamId"] = 1, ["componentId"] = 1 });
        await call.Bob.WaitForAsync<PeerReconnected>();
        await call.Media.PushEventAsync(newEndpoint, "IceComponentStateChanged", new() { ["state"] = "FAILED", ["streamId"] = 1, ["componentId"] = 1 });
        await call.Bob.WaitForAsync<PeerReconnecting>();
        clock.Advance(TimeSpan.FromSeconds(15));
        (await call.Alice.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.IceFailed, "the current endpoint's failure does, once Calls:MediaReconnectWindow has passed");
        call.Media.RequestsOf("addIceCandidate").Where(r => r.Param("object") == oldEndpoint)
            .Should().NotContain(r => r.Raw.Contains("192.0.2.7", StringComparison.Ordinal), "the new connection's candidate went to the new endpoint only");
    }

    private static string? Sink(ReceivedRequest request) => request.Params?["operationParams"]?["sink"]?.GetValue<string>();

    [Fact]
    public async Task Without_a_call_in_progress_or_without_an_offer_Renegotiate_is_refused_and_makes_nothing()
    {
        await using var alice = await SignalingClient.RegisteredAsync(_nodes.NodeOf("alice").HubUri, Names.Unique("alice"));
        await using var browser = new SimulatedBrowser();

        var noCall = async () => await alice.RenegotiateAsync(browser.OfferSdp);
        var noOffer = async () => await alice.RenegotiateAsync("");

        (await noCall.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("no call in progress");
        (await noOffer.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("SDP offer is required");
        Diagnostics.GetCounts().Should().Match<MediaServerCounts>(c => c.Pipelines == 0 && c.Endpoints == 0);
    }
}
