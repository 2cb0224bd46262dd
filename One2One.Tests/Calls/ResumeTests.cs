using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// Resume after a reload: a page whose connection closed during a call comes back on a new connection with its resume
/// token within Calls:ReconnectWindow and gets the same call back; a wrong, expired, reused or someone else's token is
/// refused with a reason. The real server on a fake clock, the scripted media server.
/// </summary>
public sealed class ResumeTests : ResumeScenarios<OneNode>;

/// <summary>
/// The resume scenarios; alice (the caller, whose node the call lives on) and bob connect where
/// <typeparamref name="TLayout"/> puts them: one node (<see cref="ResumeTests"/>), or two (<c>ResumeAcrossNodesTests</c>).
/// A page resuming connects to alice's node.
/// </summary>
public abstract class ResumeScenarios<TLayout>
    where TLayout : INodeLayout
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_page_that_comes_back_with_its_token_within_the_window_resumes_the_call_and_offers_again()
    {
        await using var call = await StartAsync();
        var token = call.Alice.ResumeToken;
        token.Should().NotBeNullOrEmpty("registration hands out a resume token").And.MatchRegex("^[A-Za-z0-9_-]{43}$", "256 random bits, base64url");

        await call.Alice.DisconnectAsync();
        (await call.Bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice", "Bob's page shows that Alice is reconnecting");
        _clock.Advance(Window - TimeSpan.FromSeconds(1));
        await using var reloaded = await SignalingClient.ConnectAsync(call.Server.HubUri);
        var resumed = await reloaded.ResumeAsync("alice", token);

        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().Be("bob");
        resumed.ResumeToken.Should().NotBeNullOrEmpty().And.NotBe(token, "a token is good once");
        await reloaded.RenegotiateAsync("v=0\r\no=- 9 9 IN IP4 0.0.0.0\r\ns=caller-reloaded\r\n");
        (await reloaded.WaitForAsync<Renegotiated>()).Message.SdpAnswer.Should().Be("answer-for-caller");
        _clock.Advance(Window * 2);
        await Task.Delay(Quiet);
        call.Bob.Drain().OfType<StopCommunication>().Should().BeEmpty("the call never ended");

        await reloaded.StopAsync();
        (await call.Bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp, "the resumed page hung up the same call");
    }

    [Fact]
    public async Task Without_a_resume_the_call_ends_as_a_disconnect_when_the_window_closes_and_the_token_expires_with_it()
    {
        await using var call = await StartAsync();
        var token = call.Alice.ResumeToken;

        await call.Alice.DisconnectAsync();
        await call.Bob.ExpectAsync<PeerReconnecting>();
        _clock.Advance(Window);

        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.PeerDisconnected);
        await using var late = await SignalingClient.ConnectAsync(call.Server.HubUri);
        var refused = await late.ResumeAsync("alice", token);
        refused.Should().Match<RegisterResponse>(r => r.Response == Responses.Rejected && r.Reason == Reasons.ResumeExpired);
        refused.Message.Should().Contain("expired");
        (await late.RegisterAsync("alice")).Response.Should().Be(Responses.Accepted, "the name is free again");
    }

    [Fact]
    public async Task A_wrong_token_a_reused_one_and_one_issued_to_another_name_are_refused_with_a_reason_and_change_nothing()
    {
        await using var call = await StartAsync();
        var token = call.Alice.ResumeToken!;
        await using var stranger = await SignalingClient.ConnectAsync(call.Server.HubUri);

        await call.Alice.DisconnectAsync();
        await call.Bob.ExpectAsync<PeerReconnecting>();

        var guessed = (token[0] == 'x' ? "y" : "x") + token[1..]; // one character off (a token may begin with x)
        (await stranger.ResumeAsync("alice", guessed)).Reason.Should().Be(Reasons.ResumeExpired, "a guessed token is unknown");
        (await stranger.ResumeAsync("alice", "")).Reason.Should().Be(Reasons.ResumeExpired);
        var otherName = await stranger.ResumeAsync("mallory", token);
        otherName.Reason.Should().Be(Reasons.ResumeRefused);
        otherName.Message.Should().Contain("not issued to mallory");
        (await stranger.ResumeAsync("bob", token)).Reason.Should().Be(Reasons.ResumeRefused, "Alice's token is not Bob's");

        var resumed = await stranger.ResumeAsync("alice", token);
        resumed.Response.Should().Be(Responses.Accepted, "none of the refusals spent the token");
        await using var thief = await SignalingClient.ConnectAsync(call.Server.HubUri);
        (await thief.ResumeAsync("alice", token)).Reason.Should().Be(Reasons.ResumeExpired, "a token is good once");
        var users = call.Server.Services.GetRequiredService<UserRegistry>();
        users.FindByName("alice")!.CurrentCall!.State.Should().Be(CallState.InCall);
    }

    [Fact]
    public async Task A_page_whose_old_connection_still_looks_alive_takes_its_call_over_with_its_token()
    {
        await using var call = await StartAsync();
        await using var moved = await SignalingClient.ConnectAsync(call.Server.HubUri);

        var resumed = await moved.ResumeAsync("alice", call.Alice.ResumeToken);

        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().Be("bob");
        await Eventually.TrueAsync(() => call.Alice.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected, "the old connection is closed by the server");
        _clock.Advance(Window * 2);
        await Task.Delay(Quiet);
        call.Bob.Drain().OfType<StopCommunication>().Should().BeEmpty("the old connection's close ends nothing");
        await moved.StopAsync();
        (await call.Bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
    }

    [Theory]
    [InlineData("alice", "bob")]
    [InlineData("alice", "alice")]
    [InlineData("bob", "bob")]
    public async Task A_page_that_resumes_while_its_peer_is_away_too_hears_that_the_peer_is_reconnecting_and_then_that_it_is_back(string aliceResumesOnTheNodeOf, string bobResumesOnTheNodeOf)
    {
        // A network both pages share drops: each page missed the other's PeerReconnecting while it was away itself.
        const string bobsNewOffer = "v=0\r\no=- 9 9 IN IP4 0.0.0.0\r\ns=callee-reloaded\r\n";
        await using var call = await StartAsync();
        var (aliceToken, bobToken) = (call.Alice.ResumeToken, call.Bob.ResumeToken);
        await call.Alice.DisconnectAsync();
        await call.Bob.ExpectAsync<PeerReconnecting>();
        await call.Bob.DisconnectAsync();

        await using var alice = await SignalingClient.ConnectAsync(call.Nodes.NodeOf(aliceResumesOnTheNodeOf).HubUri);
        (await alice.ResumeAsync("alice", aliceToken)).ResumedCallWith.Should().Be("bob");
        (await alice.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("bob", "bob is still away when alice's page comes back");

        await using var bob = await SignalingClient.ConnectAsync(call.Nodes.NodeOf(bobResumesOnTheNodeOf).HubUri);
        (await bob.ResumeAsync("bob", bobToken)).ResumedCallWith.Should().Be("alice");
        (await bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice", "alice's media has not come back: her page has not offered again yet");

        await bob.RenegotiateAsync(bobsNewOffer);
        await bob.WaitForAsync<Renegotiated>();
        var bobsEndpoint = await call.EndpointOfAsync(bobsNewOffer);
        await call.Media.PushEventAsync(bobsEndpoint, "IceComponentStateChanged", new() { ["state"] = "CONNECTED", ["streamId"] = 1, ["componentId"] = 1 });
        (await alice.ExpectAsync<PeerReconnected>()).Peer.Should().Be("bob", "bob's new page connected its media");
        await Task.Delay(Quiet);
        bob.Drain().Should().BeEmpty("alice is still away");

        await alice.StopAsync();
        (await bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("alice")]
    public async Task A_callee_whose_page_comes_back_on_a_new_connection_while_the_call_rings_ends_the_ring_as_a_lost_connection_would(string onTheNodeOf)
    {
        // A phone that changed networks while ringing: its old connection still looks alive when its page resumes (on its
        // own node, or another one). The new page has no ring to answer (the prompt went to the old one) and nothing to
        // offer for it: it starts over.
        await using var call = await ScriptedCall.StartAsync<TLayout>(media => new One2OneServerFactory { KurentoUri = media.Uri, CallClock = _clock });
        await call.RingAsync();
        await using var moved = await SignalingClient.ConnectAsync(call.Nodes.NodeOf(onTheNodeOf).HubUri);

        var resumed = await moved.ResumeAsync("bob", call.Bob.ResumeToken);

        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().BeNull("the ring cannot be resumed");
        (await call.Alice.WaitForAsync<CallResponse>()).Message.Should().Match<CallResponse>(
            r => r.Response == Responses.Rejected && r.Reason == Reasons.PeerDisconnected, "alice hears what a lost connection tells her, at once");
        await Eventually.TrueAsync(async () => (await call.PipelinesAsync()).Count == 0, "the ring's media is released");

        await call.Alice.CallAsync("bob", ScriptedCall.CallerOffer);
        (await moved.WaitForAsync<IncomingCall>()).Message.From.Should().Be("alice", "bob is free, and rings on his new page");
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("bob")]
    public async Task A_caller_whose_page_comes_back_on_a_new_connection_while_the_call_rings_ends_the_ring_and_may_call_again(string onTheNodeOf)
    {
        await using var call = await ScriptedCall.StartAsync<TLayout>(media => new One2OneServerFactory { KurentoUri = media.Uri, CallClock = _clock });
        await call.RingAsync();
        await using var moved = await SignalingClient.ConnectAsync(call.Nodes.NodeOf(onTheNodeOf).HubUri);

        var resumed = await moved.ResumeAsync("alice", call.Alice.ResumeToken);

        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().BeNull("its offer was the old page's: the answer would fit no connection of the new one");
        (await call.Bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.PeerDisconnected, "bob's phone stops ringing");
        await Eventually.TrueAsync(async () => (await call.PipelinesAsync()).Count == 0, "the ring's media is released");

        await moved.CallAsync("bob", ScriptedCall.CallerOffer);
        (await call.Bob.WaitForAsync<IncomingCall>()).Message.From.Should().Be("alice", "alice's new page calls again");
    }

    [Theory]
    [InlineData("restarts ICE on its endpoint")]
    [InlineData("moves the side to a new endpoint")]
    public async Task The_answer_to_an_offer_of_a_page_that_reloaded_meanwhile_is_not_sent_to_the_page_that_replaced_it(string mediaServer)
    {
        const string OldPageOffer = "v=0\r\no=- 7 7 IN IP4 0.0.0.0\r\ns=old-page\r\n";
        const string NewPageOffer = "v=0\r\no=- 8 8 IN IP4 0.0.0.0\r\ns=new-page\r\n";
        await using var call = await StartAsync();
        var answers = call.Media.SdpAnswer;
        call.Media.SdpAnswer = offer => offer.Contains("s=old-page", StringComparison.Ordinal) ? "answer-old-page"
            : offer.Contains("s=new-page", StringComparison.Ordinal) ? "answer-new-page" : answers(offer);
        if (mediaServer == "restarts ICE on its endpoint")
        {
            call.Media.When(r => r.IsInvoke("processOffer") && ScriptedCall.OfferOf(r) == OldPageOffer, ScriptedReply.Hold, times: 1);
        }
        else
        {
            // As KMS: a second offer is refused (40208), and the side gets a new endpoint, whose creation is held here.
            call.Media.OneOfferPerEndpoint = true;
            call.Media.When(r => r.Method == "create" && r.Type == "WebRtcEndpoint", ScriptedReply.Hold, times: 1);
        }

        // Alice's page offers again (a network change), and reloads while the media server works on that offer.
        var token = call.Alice.ResumeToken;
        await call.Alice.RenegotiateAsync(OldPageOffer);
        var held = await call.Media.WaitForHeldAsync(1);
        await call.Alice.DisconnectAsync();
        await using var reloaded = await SignalingClient.ConnectAsync(call.Server.HubUri);
        (await reloaded.ResumeAsync("alice", token)).ResumedCallWith.Should().Be("bob");
        await reloaded.RenegotiateAsync(NewPageOffer);
        await call.Media.ReleaseAsync(held);

        (await reloaded.WaitForAsync<Renegotiated>()).Message.SdpAnswer.Should().Be("answer-new-page", "the old page's answer fits no connection of the new one");
        await Task.Delay(Quiet);
        reloaded.Drain().OfType<Renegotiated>().Should().BeEmpty("one answer, to the offer the page made");
        call.Bob.Drain().OfType<StopCommunication>().Should().BeEmpty("the call goes on");
    }

    private async Task<ScriptedCall> StartAsync()
    {
        var call = await ScriptedCall.StartAsync<TLayout>(media => new One2OneServerFactory { KurentoUri = media.Uri, CallClock = _clock });
        await call.ConnectAsync();
        return call;
    }
}
