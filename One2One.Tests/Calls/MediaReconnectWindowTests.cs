using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// Calls:MediaReconnectWindow: a side whose media path is lost during a call (its endpoint's ICE fails, or its page
/// renegotiates) gets the window to come back; its peer is told meanwhile; only when the window closes does the call end
/// with ice-failed. The real server on a fake clock, the scripted media server for the ICE events a real one cannot be
/// made to produce on demand.
/// </summary>
public sealed class MediaReconnectWindowTests : MediaReconnectWindowScenarios<OneNode>;

/// <summary>
/// The media reconnect window's scenarios; alice (the caller, whose node runs the call and hears its media events) and
/// bob connect where <typeparamref name="TLayout"/> puts them: one node (<see cref="MediaReconnectWindowTests"/>) or two
/// (<c>MediaReconnectWindowAcrossNodesTests</c>).
/// </summary>
public abstract class MediaReconnectWindowScenarios<TLayout>
    where TLayout : INodeLayout
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_lost_path_ends_the_call_with_ice_failed_on_both_pages_only_when_the_window_closes_and_releases_it_once()
    {
        await using var call = await StartAsync();
        var callerEndpoint = await call.EndpointOfAsync(ScriptedCall.CallerOffer);
        var pipeline = callerEndpoint.Split('/')[0];

        await PushIceStateAsync(call, callerEndpoint, "FAILED");

        (await call.Bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice");
        _clock.Advance(Window - TimeSpan.FromSeconds(1));
        await Task.Delay(Quiet);
        call.Alice.Drain().Should().BeEmpty("a second before the window closes the call goes on");
        call.Bob.Drain().Should().BeEmpty("a second before the window closes the call goes on");

        _clock.Advance(TimeSpan.FromSeconds(1));

        (await call.Alice.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.IceFailed);
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.IceFailed);
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the pipeline is released");
        _clock.Advance(Window);
        await Task.Delay(Quiet);
        call.ReleasesOf(pipeline).Should().Be(1, "the call's media is released once");
        call.Bob.Drain().Should().BeEmpty("the call ended once");
    }

    [Fact]
    public async Task A_path_that_returns_within_the_window_keeps_the_call_and_the_peer_hears_it_is_back()
    {
        await using var call = await StartAsync();
        var callerEndpoint = await call.EndpointOfAsync(ScriptedCall.CallerOffer);

        await PushIceStateAsync(call, callerEndpoint, "FAILED");
        (await call.Bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice");
        _clock.Advance(Window - TimeSpan.FromSeconds(1));
        await PushIceStateAsync(call, callerEndpoint, "CONNECTED");

        (await call.Bob.ExpectAsync<PeerReconnected>()).Peer.Should().Be("alice");
        _clock.Advance(Window * 2);
        await Task.Delay(Quiet);
        call.Alice.Drain().Should().BeEmpty("the call never ended");
        call.Bob.Drain().Should().BeEmpty("the call never ended");

        await call.Alice.StopAsync();
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp, "the call was still in progress");
    }

    [Fact]
    public async Task A_page_that_renegotiates_is_reconnecting_until_its_new_endpoint_connects_and_retries_within_one_window()
    {
        const string firstRetry = "v=0\r\no=- 9 9 IN IP4 0.0.0.0\r\ns=caller-again\r\n";
        const string secondRetry = "v=0\r\no=- 10 10 IN IP4 0.0.0.0\r\ns=caller-third\r\n";
        await using var call = await StartAsync();

        await call.Alice.RenegotiateAsync(firstRetry);
        (await call.Bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice");
        await call.Alice.WaitForAsync<Renegotiated>();
        _clock.Advance(Window / 2);

        // A second attempt within the window neither tells the peer again nor restarts the window.
        await call.Alice.RenegotiateAsync(secondRetry);
        var newest = await call.EndpointOfAsync(secondRetry);
        await call.Alice.WaitForAsync<Renegotiated>();
        await PushIceStateAsync(call, newest, "CONNECTED");
        (await call.Bob.ExpectAsync<PeerReconnected>()).Peer.Should().Be("alice", "the peer is told once per loss, and when it is over");

        _clock.Advance(Window);
        await Task.Delay(Quiet);
        call.Bob.Drain().Should().BeEmpty("the call goes on");
    }

    [Fact]
    public async Task A_path_that_returns_while_the_connection_to_the_media_server_is_down_is_read_again_when_the_session_resumes()
    {
        await using var call = await StartAsync();
        var callerEndpoint = await call.EndpointOfAsync(ScriptedCall.CallerOffer);
        await PushIceStateAsync(call, callerEndpoint, "FAILED");
        (await call.Bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice");

        // The path comes back while the control connection is down: its CONNECTED event is lost with the connection.
        call.Media.SetIceState(callerEndpoint, "CONNECTED");
        await call.Media.DropAndAwaitReconnectionAsync();

        (await call.Bob.ExpectAsync<PeerReconnected>()).Peer.Should().Be("alice", "the session's resume reads the ICE state the lost event had");
        _clock.Advance(Window * 2);
        await Task.Delay(Quiet);
        call.Alice.Drain().Should().BeEmpty("the call never ended");
        call.Bob.Drain().Should().BeEmpty("the call never ended");
    }

    [Fact]
    public async Task A_path_lost_while_the_connection_to_the_media_server_is_down_gets_its_window_when_the_session_resumes()
    {
        await using var call = await StartAsync();
        var calleeEndpoint = await call.EndpointOfAsync(ScriptedCall.CalleeOffer);
        await PushIceStateAsync(call, calleeEndpoint, "CONNECTED");

        call.Media.SetIceState(calleeEndpoint, "FAILED");
        await call.Media.DropAndAwaitReconnectionAsync();

        (await call.Alice.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("bob", "the session's resume reads the failure the lost event told");
        _clock.Advance(Window);
        (await call.Alice.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.IceFailed);
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.IceFailed);
    }

    [Fact]
    public async Task A_resumed_session_tells_nothing_of_a_path_whose_state_did_not_change()
    {
        await using var call = await StartAsync();
        var callerEndpoint = await call.EndpointOfAsync(ScriptedCall.CallerOffer);
        var calleeEndpoint = await call.EndpointOfAsync(ScriptedCall.CalleeOffer);
        await PushIceStateAsync(call, callerEndpoint, "FAILED");
        (await call.Bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice");
        await PushIceStateAsync(call, calleeEndpoint, "CONNECTED");

        await call.Media.DropAndAwaitReconnectionAsync();
        await call.Media.WaitForRequestsAsync(r => r.Operation == "getIceConnectionState", count: 2);
        await Task.Delay(Quiet);

        call.Alice.Drain().Should().BeEmpty("the callee's path was up before and is up still");
        call.Bob.Drain().Should().BeEmpty("the caller's path is still lost: the window goes on");
        _clock.Advance(Window);
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.IceFailed);
    }

    [Fact]
    public async Task A_resumed_session_does_not_take_the_old_connection_s_state_for_a_page_whose_new_offer_is_not_yet_answered()
    {
        const string retry = "v=0\r\no=- 11 11 IN IP4 0.0.0.0\r\ns=caller-again\r\n";
        await using var call = await StartAsync();
        var callerEndpoint = await call.EndpointOfAsync(ScriptedCall.CallerOffer);
        var calleeEndpoint = await call.EndpointOfAsync(ScriptedCall.CalleeOffer);
        call.Media.SetIceState(callerEndpoint, "CONNECTED"); // the page's old connection, as the media server still sees it
        call.Media.When(r => r.IsInvoke("processOffer") && ScriptedCall.OfferOf(r) == retry, ScriptedReply.Hold, times: 2);

        await call.Alice.RenegotiateAsync(retry);
        (await call.Bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice");
        await call.Media.WaitForHeldAsync(1);
        await call.Media.DropAndAwaitReconnectionAsync();
        await call.Media.WaitForRequestAsync(r => r.IsInvoke("getIceConnectionState") && r.Param("object") == calleeEndpoint);
        await Task.Delay(Quiet);

        call.Bob.Drain().Should().BeEmpty("the caller's new connection is not up: the state read is the old one's");
        call.Media.Requests.Should().NotContain(r => r.IsInvoke("getIceConnectionState") && r.Param("object") == callerEndpoint);
    }

    private async Task<ScriptedCall> StartAsync()
    {
        var call = await ScriptedCall.StartAsync<TLayout>(media => new One2OneServerFactory { KurentoUri = media.Uri, CallClock = _clock });
        call.Media.SdpAnswer = offer => offer.Contains("s=caller", StringComparison.Ordinal) ? "answer-for-caller" : "answer-for-callee";
        await call.ConnectAsync();
        return call;
    }

    private static Task PushIceStateAsync(ScriptedCall call, string endpoint, string state) =>
        call.Media.PushEventAsync(endpoint, "IceComponentStateChanged", new() { ["state"] = state, ["streamId"] = 1, ["componentId"] = 1 });
}
