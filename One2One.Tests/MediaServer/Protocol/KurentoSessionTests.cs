using System.Text.Json.Nodes;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Hosting;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>sessionId semantics, resuming with connect {sessionId}, collection of abandoned sessions, limits.</summary>
public sealed class KurentoSessionTests
{
    [Fact]
    public async Task Every_result_carries_the_session_once_it_exists_even_when_the_request_omits_it()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var sessionId = client.SessionId;

        await client.SendTextAsync($$"""{"jsonrpc":"2.0","id":50,"method":"invoke","params":{"object":"{{pipeline}}","operation":"getName"} }""");
        var invoke = await client.NextReplyAsync();
        await client.SendTextAsync("""{"jsonrpc":"2.0","id":51,"method":"ping"}""");
        var ping = await client.NextReplyAsync();

        invoke!["result"]!["sessionId"]!.GetValue<string>().Should().Be(sessionId);
        ping!["result"]!["sessionId"]!.GetValue<string>().Should().Be(sessionId);
    }

    [Fact]
    public async Task Connect_without_params_starts_a_session_and_names_the_server()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"jsonrpc":"2.0","id":0,"method":"connect"}""");
        var result = (await client.NextReplyAsync())!["result"]!;

        result["sessionId"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f-]{36}$");
        result["serverId"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Connect_with_an_unknown_session_is_40007()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var error = await client.ErrorAsync("connect", new JsonObject { ["sessionId"] = "3c1c6b4e-0000-0000-0000-000000000000" });

        error["code"]!.GetValue<int>().Should().Be(40007);
        error["data"]!["type"]!.GetValue<string>().Should().Be("INVALID_SESSION");
    }

    [Fact]
    public async Task Reconnecting_with_connect_sessionId_keeps_the_objects_and_moves_the_events_to_the_new_socket()
    {
        await using var server = await KurentoTestServer.StartAsync(fakeClock: true);
        var first = await server.ConnectAsync();
        var endpoint = await first.CreateEndpointAsync(await first.CreatePipelineAsync());
        await first.SubscribeAsync(endpoint, "MediaFlowInStateChanged");
        var sessionId = first.SessionId!;
        await first.DisposeAsync();
        await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Connections == 0, "the first socket closed");
        server.Clock!.Advance(TimeSpan.FromSeconds(239));

        await using var second = await server.ConnectAsync();
        var resumed = await second.ResultAsync("connect", new JsonObject { ["sessionId"] = sessionId });
        server.Clock.Advance(TimeSpan.FromSeconds(10));
        server.Media.For(endpoint).Observer.MediaFlowInStateChanged(KurentoMediaType.Audio, true);
        var received = await second.NextEventAsync();

        resumed["sessionId"]!.GetValue<string>().Should().Be(sessionId);
        received["params"]!["value"]!["object"]!.GetValue<string>().Should().Be(endpoint);
        (await second.InvokeValueAsync(endpoint, "getName"))!.GetValue<string>().Should().Be(endpoint);
    }

    [Fact]
    public async Task A_session_without_socket_is_collected_after_the_timeout_and_its_media_disposed_once()
    {
        await using var server = await KurentoTestServer.StartAsync(fakeClock: true);
        var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var a = await client.CreateEndpointAsync(pipeline);
        var b = await client.CreateEndpointAsync(pipeline);
        await client.InvokeValueAsync(a, "connect", new JsonObject { ["sink"] = b });
        var sessionId = client.SessionId!;
        await client.DisposeAsync();
        await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Connections == 0, "the socket closed");

        server.Clock!.Advance(TimeSpan.FromSeconds(239));
        server.Diagnostics.GetCounts().Pipelines.Should().Be(1, "the session is not collected before its timeout");
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await server.Diagnostics.WhenReleasesDoneAsync();

        server.Diagnostics.GetCounts().Should().Be(new MediaServerCounts(Sessions: 0, Connections: 0, Pipelines: 0, Endpoints: 0, OpenSockets: 0));
        server.Media.Created.Should().AllSatisfy(s => s.DisposeCount.Should().Be(1));
        await using var late = await server.ConnectAsync();
        (await late.ErrorAsync("connect", new JsonObject { ["sessionId"] = sessionId }))["code"]!.GetValue<int>().Should().Be(40007);
    }

    [Fact]
    public async Task The_collect_timeout_is_configurable()
    {
        await using var server = await KurentoTestServer.StartAsync(new Dictionary<string, string?> { ["MediaServer:SessionCollectTimeout"] = "00:00:05" }, fakeClock: true);
        var client = await server.ConnectAsync();
        await client.CreatePipelineAsync();
        await client.DisposeAsync();
        await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Connections == 0, "the socket closed");

        server.Clock!.Advance(TimeSpan.FromSeconds(5));
        await server.Diagnostics.WhenReleasesDoneAsync();

        server.Diagnostics.GetCounts().Pipelines.Should().Be(0);
    }

    [Fact]
    public async Task KeepAlive_answers_for_a_live_session_and_40007_for_an_unknown_one()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.CreatePipelineAsync();

        var alive = await client.ResultAsync("keepAlive");
        var unknown = await client.ErrorAsync("keepAlive", new JsonObject { ["sessionId"] = "nobody" });

        alive["sessionId"]!.GetValue<string>().Should().Be(client.SessionId);
        unknown["code"]!.GetValue<int>().Should().Be(40007);
    }

    [Fact]
    public async Task CloseSession_releases_what_the_session_created()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());

        await client.ResultAsync("closeSession");

        server.Diagnostics.GetCounts().Pipelines.Should().Be(0);
        server.Media.For(endpoint).DisposeCount.Should().Be(1);
    }

    [Fact]
    public async Task A_pipeline_another_session_holds_outlives_its_creators_collection_and_goes_with_the_last_holder()
    {
        await using var server = await KurentoTestServer.StartAsync(fakeClock: true);
        var creator = await server.ConnectAsync();
        var pipeline = await creator.CreatePipelineAsync();
        var a = await creator.CreateEndpointAsync(pipeline);
        var b = await creator.CreateEndpointAsync(pipeline);
        await creator.InvokeValueAsync(a, "connect", new JsonObject { ["sink"] = b });
        await using var adopter = await server.ConnectAsync();
        await adopter.CreatePipelineAsync(); // a session of its own
        foreach (var id in (string[])[pipeline, a, b])
        {
            await adopter.ResultAsync("ref", new JsonObject { ["object"] = id });
        }

        // The creator dies (an app node killed): its session is collected, what the adopter holds stays.
        await creator.DisposeAsync();
        await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Connections == 1, "the creator's socket closed");
        server.Clock!.Advance(TimeSpan.FromSeconds(240));
        await server.Diagnostics.WhenReleasesDoneAsync();

        server.Diagnostics.GetCounts().Pipelines.Should().Be(2, "the adopter's own pipeline and the one it holds");
        server.Diagnostics.GetCounts().Endpoints.Should().Be(2);
        server.Media.For(a).DisposeCount.Should().Be(0);
        (await adopter.InvokeValueAsync(a, "getName")).Should().NotBeNull("the adopter drives the endpoint as its own");

        await adopter.ResultAsync("closeSession");
        server.Diagnostics.GetCounts().Pipelines.Should().Be(0, "the last holder's close releases it");
        server.Media.For(a).DisposeCount.Should().Be(1);
        server.Media.For(b).DisposeCount.Should().Be(1);
    }

    [Fact]
    public async Task Unref_by_the_last_holder_releases_and_a_hold_on_a_released_object_is_40101()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var creator = await server.ConnectAsync();
        var pipeline = await creator.CreatePipelineAsync();
        await using var other = await server.ConnectAsync();
        await other.CreatePipelineAsync();
        await other.ResultAsync("ref", new JsonObject { ["object"] = pipeline });

        await creator.ResultAsync("unref", new JsonObject { ["object"] = pipeline });
        server.Diagnostics.GetCounts().Pipelines.Should().Be(2, "the other session still holds it");
        await other.ResultAsync("unref", new JsonObject { ["object"] = pipeline });
        server.Diagnostics.GetCounts().Pipelines.Should().Be(1, "nobody holds it any more");

        (await other.ErrorAsync("ref", new JsonObject { ["object"] = pipeline }))["code"]!.GetValue<int>().Should().Be(40101);
        (await other.ErrorAsync("unref", new JsonObject { ["object"] = pipeline }))["code"]!.GetValue<int>().Should().Be(40101);
    }

    [Fact]
    public async Task Pipelines_beyond_MaxEndpoints_in_one_session_are_40009()
    {
        await using var server = await KurentoTestServer.StartAsync(new Dictionary<string, string?> { ["MediaServer:MaxEndpoints"] = "2" });
        await using var client = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();
        var first = await client.CreatePipelineAsync();
        await client.CreatePipelineAsync();

        var error = await client.ErrorAsync("create", new JsonObject { ["type"] = "MediaPipeline" });
        var otherSession = await other.CreatePipelineAsync();
        await client.ResultAsync("release", new JsonObject { ["object"] = first });
        var again = await client.CreatePipelineAsync();

        error["code"]!.GetValue<int>().Should().Be(40009);
        error["data"]!["type"]!.GetValue<string>().Should().Be("NOT_ENOUGH_RESOURCES");
        error["message"]!.GetValue<string>().Should().Contain("pipelines");
        otherSession.Should().NotBeNullOrEmpty("the pipeline bound is per session");
        again.Should().NotBeNullOrEmpty("releasing a pipeline makes room in the session");
    }

    [Fact]
    public async Task Sessions_beyond_the_limit_are_40009()
    {
        await using var server = await KurentoTestServer.StartAsync(new Dictionary<string, string?> { ["MediaServer:MaxSessions"] = "2" });
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await first.CreatePipelineAsync();
        await second.ResultAsync("connect");
        // A third socket exceeds MaxSessions sockets: refused at the handshake.
        var refused = async () => await server.ConnectAsync();

        await refused.Should().ThrowAsync<System.Net.WebSockets.WebSocketException>();
        (await second.ErrorAsync("connect", new JsonObject { ["sessionId"] = "x" }))["code"]!.GetValue<int>().Should().Be(40007);
    }

    [Fact]
    public async Task A_request_with_an_unknown_sessionId_adopts_it_as_KMS_does()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var created = await client.ResultAsync("create", new JsonObject { ["type"] = "MediaPipeline", ["sessionId"] = "old-session-after-restart" });

        created["sessionId"]!.GetValue<string>().Should().Be("old-session-after-restart");
    }

    [Fact]
    public async Task A_failed_first_request_leaves_no_session_behind()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.ErrorAsync("describe", new JsonObject { ["object"] = "ghost" });

        server.Diagnostics.GetCounts().Sessions.Should().Be(0);
    }
}
