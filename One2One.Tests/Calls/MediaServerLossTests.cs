using One2One.Server.Contracts;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>
/// When a media server's calls are given up as lost: the control connection to the scripted media server drops and its
/// first reconnect attempts fail, as in an outage of the network between them, while the media server keeps the session.
/// </summary>
public sealed class MediaServerLossTests
{
    [Fact]
    public async Task An_outage_over_before_the_loss_timeout_while_the_client_waits_in_its_backoff_does_not_end_the_calls()
    {
        // Attempts after the drop at about 0 s and 2 s fail, and the next would be at 6 s: past the 3 s loss timeout, by
        // when the outage has long been over. The pool has the client try once more before it gives the server up.
        await using var call = await InCallAsync(lostAfter: "00:00:03", reconnectDelay: "00:00:02", maxReconnectDelay: "00:00:30");
        var pipeline = await call.PipelineIdAsync();
        call.Media.When(r => r.Method == "connect", ScriptedReply.Drop, times: 2);

        call.Media.DropConnections();
        await Task.Delay(TimeSpan.FromSeconds(7));

        call.Alice.Drain().Should().BeEmpty("the session came back before the calls were given up");
        call.Bob.Drain().Should().BeEmpty();
        await call.Alice.StopAsync();
        (await call.Bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(() => call.ReleasesOf(pipeline) == 1, "the call's pipeline is released on the resumed session");
    }

    [Fact]
    public async Task A_server_that_stays_unreachable_past_the_loss_timeout_and_the_last_attempt_ends_its_calls()
    {
        await using var call = await InCallAsync(lostAfter: "00:00:02", reconnectDelay: "00:00:00.500", maxReconnectDelay: "00:00:01");
        call.Media.When(r => r.Method == "connect", ScriptedReply.Drop, times: 1000);

        call.Media.DropConnections();

        (await call.Alice.ExpectAsync<StopCommunication>(TimeSpan.FromSeconds(15))).Reason.Should().Be(Reasons.MediaServerLost);
        (await call.Bob.ExpectAsync<StopCommunication>(TimeSpan.FromSeconds(15))).Reason.Should().Be(Reasons.MediaServerLost);
    }

    [Fact]
    public async Task A_media_server_that_refuses_a_call_as_full_is_passed_over_for_the_next_calls_while_another_is_up()
    {
        await using var full = await ScriptedKurentoServer.StartAsync();
        await using var free = await ScriptedKurentoServer.StartAsync();
        full.When(r => r.Method == "create" && r.Type == "MediaPipeline", ScriptedReply.Error(40009, "NOT_ENOUGH_RESOURCES", "Too many threads"));
        await using var app = new One2OneServerFactory()
            .WithSetting("Kurento:Uris:0", full.Uri.ToString())
            .WithSetting("Kurento:Uris:1", free.Uri.ToString());
        await using var alice = await SignalingClient.RegisteredAsync(app.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(app.HubUri, "bob");
        await using var carol = await SignalingClient.RegisteredAsync(app.HubUri, "carol");
        await using var dave = await SignalingClient.RegisteredAsync(app.HubUri, "dave");

        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.ServerBusy, "the first server, the least loaded, is full");
        await carol.CallAsync("dave", ScriptedCall.CallerOffer);

        (await dave.ExpectAsync<IncomingCall>()).From.Should().Be("carol", "the full server is passed over: the call goes to the other one");
        free.RequestsOf("create").Should().NotBeEmpty();
        full.RequestsOf("create").Where(r => r.Type == "MediaPipeline").Should().ContainSingle("only the first call went there");
    }

    /// <summary>Alice and bob in a call through the scripted media server, with the loss timeout and the client's backoff given.</summary>
    private static async Task<ScriptedCall> InCallAsync(string lostAfter, string reconnectDelay, string maxReconnectDelay)
    {
        var call = await ScriptedCall.StartAsync(media => new One2OneServerFactory { KurentoUri = media.Uri }
            .WithSetting("Calls:MediaServerLostAfter", lostAfter)
            .WithSetting("Kurento:ReconnectDelay", reconnectDelay)
            .WithSetting("Kurento:MaxReconnectDelay", maxReconnectDelay));
        await call.ConnectAsync();
        return call;
    }
}
