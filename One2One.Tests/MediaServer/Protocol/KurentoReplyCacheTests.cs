using One2One.MediaServer.Elements;
using System.Text.Json.Nodes;
using One2One.MediaServer.Protocol;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>
/// The reply cache (KMS's RequestCache): a request a client sends again with its id on its resumed session, after its connection
/// dropped, gets the first run's reply and is not run twice.
/// </summary>
public sealed class KurentoReplyCacheTests
{
    private static JsonObject NewPipeline() => new() { ["type"] = "MediaPipeline", ["constructorParams"] = new JsonObject(), ["properties"] = new JsonObject() };

    [Fact]
    public async Task A_create_sent_again_with_its_id_on_the_resumed_session_gets_the_same_pipeline_and_makes_no_other()
    {
        await using var server = await KurentoTestServer.StartAsync();
        var first = await server.ConnectAsync();
        await first.ResultAsync("connect");
        int id = KurentoTestClient.NewId();
        var created = await first.CallAsync("create", NewPipeline(), id: id);
        var session = first.SessionId!;
        await first.DisposeAsync();

        await using var second = await server.ConnectAsync();
        await second.ResultAsync("connect", new JsonObject { ["sessionId"] = session });
        var again = await second.CallAsync("create", NewPipeline(), id: id);

        again.ToJsonString().Should().Be(created.ToJsonString(), "the first run's reply, byte for byte");
        server.Diagnostics.GetCounts().Pipelines.Should().Be(1);
        await second.ResultAsync("release", new JsonObject { ["object"] = created["result"]!["value"]!.GetValue<string>() });
        server.Diagnostics.GetCounts().Pipelines.Should().Be(0);
    }

    [Fact]
    public async Task An_error_is_answered_again_as_it_was_and_an_operation_is_not_run_twice()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        int offer = KurentoTestClient.NewId();
        var processOffer = () => new JsonObject { ["object"] = endpoint, ["operation"] = "processOffer", ["operationParams"] = new JsonObject { ["offer"] = "v=0\r\n" } };
        int missing = KurentoTestClient.NewId();
        var release = () => new JsonObject { ["object"] = "no-such-object" };

        var answered = await client.CallAsync("invoke", processOffer(), id: offer);
        var refused = await client.CallAsync("release", release(), id: missing);
        var answeredAgain = await client.CallAsync("invoke", processOffer(), id: offer);
        var refusedAgain = await client.CallAsync("release", release(), id: missing);

        answered["error"].Should().BeNull();
        answeredAgain.ToJsonString().Should().Be(answered.ToJsonString(), "the same answer: a second negotiation is refused (40208)");
        refused["error"]!["code"]!.GetValue<int>().Should().Be(40101);
        refusedAgain.ToJsonString().Should().Be(refused.ToJsonString());
    }

    [Fact]
    public async Task The_same_id_on_another_session_is_another_request()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var alice = await server.ConnectAsync();
        await using var bob = await server.ConnectAsync();
        await alice.ResultAsync("connect");
        await bob.ResultAsync("connect");
        int id = KurentoTestClient.NewId();

        var alices = await alice.CallAsync("create", NewPipeline(), id: id);
        var bobs = await bob.CallAsync("create", NewPipeline(), id: id);

        bobs["result"]!["value"]!.GetValue<string>().Should().NotBe(alices["result"]!["value"]!.GetValue<string>());
        server.Diagnostics.GetCounts().Pipelines.Should().Be(2);
    }

    [Fact]
    public async Task After_20_seconds_the_id_is_forgotten_and_runs_again()
    {
        await using var server = await KurentoTestServer.StartAsync(fakeClock: true);
        await using var client = await server.ConnectAsync();
        await client.ResultAsync("connect");
        int id = KurentoTestClient.NewId();
        await client.CallAsync("create", NewPipeline(), id: id);
        server.Clock!.Advance(ReplyCache.Lifetime - TimeSpan.FromMilliseconds(1));
        await client.CallAsync("create", NewPipeline(), id: id);
        server.Diagnostics.GetCounts().Pipelines.Should().Be(1, "still within the lifetime");

        server.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await client.CallAsync("create", NewPipeline(), id: id);

        server.Diagnostics.GetCounts().Pipelines.Should().Be(2);
    }

    [Fact]
    public async Task A_request_sent_again_while_its_first_run_is_still_going_waits_for_that_runs_reply()
    {
        await using var server = await KurentoTestServer.StartAsync();
        var first = await server.ConnectAsync();
        var endpoint = await first.CreateEndpointAsync(await first.CreatePipelineAsync());
        var session = first.SessionId!;
        var disposal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Media.DisposeHold = disposal.Task;
        int id = KurentoTestClient.NewId();
        await first.SendRequestAsync(id, "release", new JsonObject { ["object"] = endpoint });
        await KurentoTestServer.EventuallyAsync(() => server.Media.For(endpoint).DisposeCount == 1, "the release is under way");
        await first.DisposeAsync();

        await using var second = await server.ConnectAsync();
        await second.ResultAsync("connect", new JsonObject { ["sessionId"] = session });
        await second.SendRequestAsync(id, "release", new JsonObject { ["object"] = endpoint });
        var early = second.NextReplyAsync();
        await Task.Delay(100);
        early.IsCompleted.Should().BeFalse("the first run has not finished");
        disposal.SetResult();
        var reply = await early;

        reply!["id"]!.GetValue<int>().Should().Be(id);
        reply["error"].Should().BeNull("the first run's success, not 40101 for an object already being released");
        server.Media.For(endpoint).DisposeCount.Should().Be(1);
    }

    [Fact]
    public async Task A_request_that_finishes_on_the_old_socket_after_the_session_resumed_on_a_new_one_leaves_the_session_with_the_new_one()
    {
        // A slow release on the first socket, whose pings then went unanswered: the client resumed on a second socket, and the
        // release finished after that. It must not bind the session back to the first socket, which then closes and would take
        // the session's events with it and start its collection.
        await using var server = await KurentoTestServer.StartAsync(new Dictionary<string, string?> { ["MediaServer:SessionCollectTimeout"] = "00:00:05" }, fakeClock: true);
        var first = await server.ConnectAsync();
        var released = await first.CreateEndpointAsync(await first.CreatePipelineAsync());
        var kept = await first.CreateEndpointAsync(await first.CreatePipelineAsync());
        await first.SubscribeAsync(kept, "MediaFlowInStateChanged");
        var session = first.SessionId!;
        var disposal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Media.DisposeHold = disposal.Task;
        await first.SendRequestAsync(KurentoTestClient.NewId(), "release", new JsonObject { ["object"] = released });
        await KurentoTestServer.EventuallyAsync(() => server.Media.For(released).DisposeCount == 1, "the release is under way");
        var closing = first.DisposeAsync().AsTask();

        await using var second = await server.ConnectAsync();
        await second.ResultAsync("connect", new JsonObject { ["sessionId"] = session });
        disposal.SetResult();
        await closing;
        await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Connections == 1, "the first socket is gone");

        server.Media.For(kept).Observer.MediaFlowInStateChanged(KurentoMediaType.Video, true);
        var notification = await second.NextEventAsync();
        notification["params"]!["value"]!["object"]!.GetValue<string>().Should().Be(kept, "the session's events come to the socket it resumed on");
        server.Clock!.Advance(TimeSpan.FromSeconds(6));
        await server.Diagnostics.WhenReleasesDoneAsync();
        server.Diagnostics.GetCounts().Endpoints.Should().Be(1, "a bound session is not collected");
    }
}
