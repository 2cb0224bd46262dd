using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Calls;
using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// Calls:ReconnectWindow (issue 8, item 6): a connection lost without a hang-up unregisters nobody and ends no call in
/// progress until the window passes. Meanwhile the name stays taken, a call to it is refused as unavailable, the peer of a
/// call in progress hears PeerReconnecting, and the page may come back with its resume token. The real server on a fake
/// clock, the scripted media server.
/// </summary>
public sealed class ReconnectWindowTests : ReconnectWindowScenarios<OneNode>
{
    [Fact]
    public void The_shipped_window_is_twenty_seconds_as_LiveKit_s_departure_timeout()
    {
        new CallOptions().ReconnectWindow.Should().Be(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_replaced_ResumeWindow_setting_stops_the_server_at_start_naming_its_new_name()
    {
        await using var server = new One2OneServerFactory().WithSetting("Calls:ResumeWindow", "00:00:00");

        var start = () => server.StartServer();

        start.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*Calls:ResumeWindow*Calls:ReconnectWindow*");
    }
}

/// <summary>
/// The reconnect window's scenarios; each person connects where <typeparamref name="TLayout"/> puts them: on one node
/// (<see cref="ReconnectWindowTests"/>), or alice on node A and bob on node B of a cluster (<c>ReconnectWindowAcrossNodesTests</c>);
/// a newcomer connects to alice's node.
/// </summary>
public abstract class ReconnectWindowScenarios<TLayout>
    where TLayout : INodeLayout
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private readonly SlowTimerStarts _clock = new(Window, delay: TimeSpan.FromMilliseconds(500));

    [Fact]
    public async Task An_idle_user_whose_connection_drops_keeps_the_name_cannot_be_rung_meanwhile_and_comes_back_with_the_token()
    {
        await using var call = await StartAsync();
        var token = call.Bob.ResumeToken!;

        await call.Bob.DisconnectAsync();
        await WaitUntilDetachedAsync(call, "bob");

        await using var impostor = await SignalingClient.ConnectAsync(call.Server.HubUri);
        (await impostor.RegisterAsync("BOB")).Reason.Should().Be(Reasons.NameTaken, "the name is held for bob's page");
        await call.Alice.CallAsync("bob", ScriptedCall.CallerOffer);
        var refused = await call.Alice.ExpectAsync<CallResponse>();
        refused.Should().Match<CallResponse>(r => r.Response == Responses.Rejected && r.Reason == Reasons.Unavailable);
        refused.Message.Should().Contain("reconnecting");
        (await call.PipelinesAsync()).Should().BeEmpty("a refused call reserves no media");

        _clock.Advance(Window - TimeSpan.FromSeconds(1));
        await using var back = await SignalingClient.ConnectAsync(call.Server.HubUri);
        var resumed = await back.ResumeAsync("bob", token);
        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().BeNull("bob was in no call");

        _clock.Advance(Window * 2);
        await call.Alice.CallAsync("bob", ScriptedCall.CallerOffer);
        (await back.ExpectAsync<IncomingCall>()).From.Should().Be("alice", "bob is reachable again on the new connection");
    }

    [Fact]
    public async Task An_idle_user_who_does_not_come_back_frees_the_name_when_the_window_closes()
    {
        await using var call = await StartAsync();
        var token = call.Bob.ResumeToken!;
        await call.Bob.DisconnectAsync();
        await WaitUntilDetachedAsync(call, "bob");

        _clock.Advance(Window - TimeSpan.FromMilliseconds(1));
        await Task.Delay(Quiet);
        Users(call, "bob").FindByName("bob").Should().NotBeNull("the window has not closed yet");
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        // The name leaves this node's registry first, then its cluster-wide claim is given back.
        await Eventually.TrueAsync(async () => Users(call, "bob").FindByName("bob") is null && await ClaimOf(call, "bob") is null,
            "the name is freed on this node and in the cluster");
        await using var late = await SignalingClient.ConnectAsync(call.Server.HubUri);
        (await late.ResumeAsync("bob", token)).Reason.Should().Be(Reasons.ResumeExpired);
        (await late.RegisterAsync("bob")).Response.Should().Be(Responses.Accepted, "anyone may take the name now");
    }

    [Fact]
    public async Task A_call_in_progress_waits_the_whole_window_even_past_the_media_reconnect_window_then_ends_as_a_disconnect()
    {
        await using var call = await StartAsync();
        await call.ConnectAsync();
        var pipeline = await call.PipelineIdAsync();

        await call.Alice.DisconnectAsync();
        (await call.Bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice");

        // Calls:MediaReconnectWindow (15 s) passes: a side that is away has the whole reconnect window to come back.
        _clock.Advance(TimeSpan.FromSeconds(16));
        await Task.Delay(Quiet);
        call.Bob.Drain().OfType<StopCommunication>().Should().BeEmpty("the call waits for alice's page");
        call.ReleasesOf(pipeline).Should().Be(0);

        _clock.Advance(Window - TimeSpan.FromSeconds(16));
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.PeerDisconnected, "not ice-failed: alice left");
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
        _clock.Advance(Window * 2);
        await Task.Delay(Quiet);
        call.ReleasesOf(pipeline).Should().Be(1, "exactly once");
    }

    [Fact]
    public async Task The_window_is_counted_from_before_the_peer_hears_of_it_however_slowly_its_timer_starts()
    {
        await using var call = await StartAsync();
        await call.ConnectAsync();
        var pipeline = await call.PipelineIdAsync();

        // Starting the window's timer takes half a second (a preempted thread): bob must not hear of the window before it opened.
        _clock.Slow = true;
        await call.Alice.DisconnectAsync();
        (await call.Bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice");
        _clock.Advance(Window);

        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.PeerDisconnected, "the window bob was told of has passed");
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
    }

    [Fact]
    public async Task A_ringing_call_whose_callee_drops_ends_at_once_and_the_callee_keeps_the_name()
    {
        await using var call = await StartAsync();
        await call.RingAsync();

        await call.Bob.DisconnectAsync();

        var ended = await call.Alice.ExpectAsync<CallResponse>();
        ended.Should().Match<CallResponse>(r => r.Response == Responses.Rejected && r.Reason == Reasons.PeerDisconnected,
            "a ring cannot wait for a page that has to start over");
        await WaitUntilDetachedAsync(call, "bob");
        Users(call, "bob").FindByName("bob")!.CurrentCall.Should().BeNull();
        Users(call, "alice").FindByName("alice")!.CurrentCall.Should().BeNull("alice may call again");
        await Eventually.TrueAsync(async () => (await call.PipelinesAsync()).Count == 0, "the ring's media is released");
    }

    [Fact]
    public async Task A_page_whose_media_path_failed_just_before_its_connection_was_lost_still_has_the_whole_window()
    {
        await using var call = await StartAsync();
        await call.ConnectAsync();
        var callerEndpoint = await call.EndpointOfAsync(ScriptedCall.CallerOffer);
        var pipeline = callerEndpoint.Split('/')[0];

        // The network went: ICE notices first (its 15 s media window starts), then the signaling connection.
        await call.Media.PushEventAsync(callerEndpoint, "IceComponentStateChanged", new() { ["state"] = "FAILED", ["streamId"] = 1, ["componentId"] = 1 });
        (await call.Bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice");
        await call.Alice.DisconnectAsync();
        await WaitUntilDetachedAsync(call, "alice");

        _clock.Advance(TimeSpan.FromSeconds(16));
        await Task.Delay(Quiet);
        call.Bob.Drain().OfType<StopCommunication>().Should().BeEmpty("the media window gave way to the reconnect window");
        call.ReleasesOf(pipeline).Should().Be(0);

        _clock.Advance(Window - TimeSpan.FromSeconds(16));
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.PeerDisconnected, "alice never came back");
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
        _clock.Advance(Window * 2);
        await Task.Delay(Quiet);
        call.ReleasesOf(pipeline).Should().Be(1, "exactly once");
    }

    [Fact]
    public async Task Unregister_frees_the_name_at_once_and_ends_the_call_as_a_hang_up()
    {
        await using var call = await StartAsync();
        await call.ConnectAsync();
        var pipeline = await call.PipelineIdAsync();

        await call.Alice.UnregisterAsync();

        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp, "alice left on purpose");
        Users(call, "alice").FindByName("alice").Should().BeNull("a person who leaves is not held for a resume");
        await using var newcomer = await SignalingClient.ConnectAsync(call.Server.HubUri);
        (await newcomer.RegisterAsync("ALICE")).Response.Should().Be(Responses.Accepted, "the name is free at once");
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
        (await call.Alice.ResumeAsync("alice", call.Alice.ResumeToken)).Reason.Should().Be(Reasons.ResumeExpired, "the token went with the name");

        // The connection stays open and may register again; leaving twice, or unregistered, does nothing.
        await call.Alice.UnregisterAsync();
        (await call.Alice.RegisterAsync("alice-again")).Response.Should().Be(Responses.Accepted);
        call.Bob.Drain().OfType<StopCommunication>().Should().BeEmpty("the call ended once");
        call.ReleasesOf(pipeline).Should().Be(1);
    }

    [Fact]
    public async Task A_stopping_server_lets_go_of_everyone_held_for_a_resume_and_ends_their_calls()
    {
        await using var call = await StartAsync();
        await call.ConnectAsync();
        var pipeline = await call.PipelineIdAsync();
        await call.Alice.DisconnectAsync();
        await WaitUntilDetachedAsync(call, "alice");
        await call.Bob.ExpectAsync<PeerReconnecting>();

        await call.Server.Services.GetRequiredService<CallService>().ExpireDetachedAsync();

        Users(call, "alice").FindByName("alice").Should().BeNull("nobody can come back to a stopping server");
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.PeerDisconnected);
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
        _clock.Advance(Window * 2);
        await Task.Delay(Quiet);
        call.ReleasesOf(pipeline).Should().Be(1, "the window's own timer finds nothing more to do");
    }

    /// <summary>The registry of the node <paramref name="person"/> is registered on.</summary>
    private static UserRegistry Users(ScriptedCall call, string person) => call.Nodes.NodeOf(person).Services.GetRequiredService<UserRegistry>();

    private static Task<NameClaim?> ClaimOf(ScriptedCall call, string name) =>
        call.Server.Services.GetRequiredService<IGrainFactory>().GetGrain<INameClaimGrain>(NameClaims.KeyOf(name)).Holder();

    private static Task WaitUntilDetachedAsync(ScriptedCall call, string name) =>
        Eventually.TrueAsync(() => Users(call, name).FindByName(name)?.IsDetached == true, $"{name} is held, detached");

    private Task<ScriptedCall> StartAsync() =>
        ScriptedCall.StartAsync<TLayout>(media => new One2OneServerFactory { KurentoUri = media.Uri, CallClock = _clock, ReconnectWindow = Window });
}
