using Microsoft.Extensions.DependencyInjection;
using One2One.Kurento;
using One2One.Server.Contracts;
using One2One.Server.Hosting;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>Calls with the embedded media server, on one node.</summary>
public sealed class CallWithEmbeddedMediaServerTests : CallWithEmbeddedMediaServerScenarios<OneNode>;

/// <summary>
/// Calls through the real server with its default, embedded media server: real SDP negotiation, real
/// candidates, real pipelines created and released (browsers are not involved; see the end-to-end tests). Each person
/// connects where <typeparamref name="TLayout"/> puts them: on one node, or on two of a cluster, where the call's media is
/// on the media server of the caller's node (<c>CallWithEmbeddedMediaServerAcrossNodesTests</c>).
/// </summary>
public abstract class CallWithEmbeddedMediaServerScenarios<TLayout> : IAsyncLifetime
    where TLayout : INodeLayout
{
    private static readonly string Offer = SdpFixtures.RecordedChromium156;
    private IScenarioNodes _nodes = null!;
    private SignalingClient _alice = null!;
    private SignalingClient _bob = null!;

    /// <summary>The node the calls live on: the caller's.</summary>
    private One2OneServerFactory Home => _nodes.NodeOf("alice");

    private IKurentoClient Kurento => Home.Services.GetRequiredService<IKurentoClient>();

    private One2One.MediaServer.Hosting.MediaServerCounts MediaCounts =>
        Home.Services.GetRequiredService<EmbeddedMediaServerHost>().Server.Diagnostics.GetCounts();

    public async Task InitializeAsync()
    {
        _nodes = await TLayout.StartAsync(() => new One2OneServerFactory());
        _alice = await SignalingClient.RegisteredAsync(_nodes.NodeOf("alice").HubUri, "alice");
        _bob = await SignalingClient.RegisteredAsync(_nodes.NodeOf("bob").HubUri, "bob");
    }

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _bob.DisposeAsync();
        await _nodes.DisposeAsync();
    }

    [Fact]
    public async Task An_accepted_call_gets_real_answers_then_the_media_servers_candidates()
    {
        await ConnectAsync();

        var (aliceCandidate, _) = await _alice.WaitForAsync<IceCandidate>();
        var (bobCandidate, _) = await _bob.WaitForAsync<IceCandidate>();
        aliceCandidate.Candidate.Candidate.Should().Contain("127.0.0.1").And.Contain("typ host");
        bobCandidate.Candidate.Candidate.Should().Contain("127.0.0.1").And.Contain("typ host");
        aliceCandidate.Candidate.Candidate.Should().Be(bobCandidate.Candidate.Candidate, "every endpoint's media shares the media server's one port");
        (await Kurento.GetPipelineIdsAsync()).Should().HaveCount(1);
        MediaCounts.Should().Match<One2One.MediaServer.Hosting.MediaServerCounts>(c => c.Pipelines == 1 && c.Endpoints == 2 && c.OpenSockets == 2);
    }

    [Fact]
    public async Task Hanging_up_releases_everything_on_the_media_server()
    {
        await ConnectAsync();

        await _bob.StopAsync();

        (await _alice.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(() => MediaCounts is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 }, "the call's pipeline, endpoints and ports are gone");
        (await Kurento.GetPipelineIdsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Leaving_mid_call_releases_everything_and_tells_the_peer()
    {
        await ConnectAsync();

        await _alice.DisconnectAsync();

        (await _bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.PeerDisconnected);
        await Eventually.TrueAsync(() => MediaCounts is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 }, "the call's pipeline, endpoints and ports are gone");
    }

    [Fact]
    public async Task A_malformed_offer_ends_the_call_with_a_reason_and_leaves_nothing()
    {
        await _alice.CallAsync("bob", Offer);
        await _bob.ExpectAsync<IncomingCall>();

        await _bob.AcceptAsync("alice", "v=0\r\nthis is not an SDP offer\r\n");

        (await _bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.InvalidOffer);
        var alice = await _alice.ExpectAsync<CallResponse>();
        alice.Response.Should().Be(Responses.Rejected);
        alice.Reason.Should().Be(Reasons.InvalidOffer);
        await Eventually.TrueAsync(() => MediaCounts is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 }, "the failed call's pipeline is released");
    }

    [Fact]
    public async Task An_offer_the_media_server_refuses_does_not_come_back_whole_to_the_pages()
    {
        // Every m= line names a media of x's, as many as the offer limit allows: the media server refuses each, naming it;
        // the pages hear a short reason.
        int mediaLines = Offer.Split("\r\n").Count(line => line.StartsWith("m=", StringComparison.Ordinal));
        var junk = new string('x', (60_000 - Offer.Length) / mediaLines);
        var offer = string.Join("\r\n", Offer.Split("\r\n").Select(line =>
            line.StartsWith("m=audio ", StringComparison.Ordinal) ? "m=" + junk + line["m=audio".Length..]
            : line.StartsWith("m=video ", StringComparison.Ordinal) ? "m=" + junk + line["m=video".Length..]
            : line));
        await _alice.CallAsync("bob", Offer);
        await _bob.ExpectAsync<IncomingCall>();

        await _bob.AcceptAsync("alice", offer);

        var alice = await _alice.ExpectAsync<CallResponse>();
        var bob = await _bob.ExpectAsync<StopCommunication>();
        alice.Response.Should().Be(Responses.Rejected);
        foreach (var message in new[] { alice.Message, bob.Message })
        {
            message.Should().NotBeNull().And.Contain("not accepted");
            message!.Length.Should().BeLessThanOrEqualTo(300);
        }

        await Eventually.TrueAsync(() => MediaCounts is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 }, "the failed call's pipeline is released");
    }

    [Fact]
    public async Task Browser_candidates_reach_the_media_server_and_a_bad_one_does_not_end_the_call()
    {
        await _alice.CallAsync("bob", Offer);
        await _bob.ExpectAsync<IncomingCall>();
        await _alice.SendCandidateAsync(new IceCandidateInit("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0", "0", 0));
        await _bob.AcceptAsync("alice", Offer);
        await _bob.ExpectAsync<StartCommunication>();
        await _alice.ExpectAsync<CallResponse>();

        await _bob.SendCandidateAsync(new IceCandidateInit("candidate:garbage", "0", 0));
        await _bob.SendCandidateAsync(new IceCandidateInit("candidate:2 1 udp 2122260223 127.0.0.1 50002 typ host", "0", 0));

        // The media server refused the garbage (40401, logged); the call goes on until someone hangs up.
        await _alice.StopAsync();
        (await _bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
    }

    [Fact]
    public async Task A_user_in_a_call_is_busy()
    {
        await ConnectAsync();
        await using var carol = await SignalingClient.RegisteredAsync(_nodes.NodeOf("carol").HubUri, "carol");

        await carol.CallAsync("alice", Offer);

        (await carol.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Busy);
        MediaCounts.Pipelines.Should().Be(1, "nothing was built for the rejected call");
    }

    private async Task ConnectAsync()
    {
        await _alice.CallAsync("bob", Offer);
        await _bob.ExpectAsync<IncomingCall>();
        await _bob.AcceptAsync("alice", Offer);

        var bobAnswer = await _bob.ExpectAsync<StartCommunication>();
        bobAnswer.SdpAnswer.Should().Contain("a=ice-lite").And.Contain("a=setup:passive").And.Contain("VP8/90000").And.Contain("opus/48000/2");
        var aliceAnswer = await _alice.ExpectAsync<CallResponse>();
        aliceAnswer.Response.Should().Be(Responses.Accepted);
        aliceAnswer.SdpAnswer.Should().Contain("a=ice-lite");
    }
}
