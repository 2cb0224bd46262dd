using System.Net.WebSockets;
using System.Text.Json.Nodes;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>What a client does on connect (kurento-client: ping, describe ServerManager, getInfo) and how ids are echoed.</summary>
public sealed class KurentoHandshakeTests
{
    [Fact]
    public async Task Ping_without_session_answers_pong_without_sessionId_and_echoes_id_zero()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"jsonrpc":"2.0","id":0,"method":"ping","params":{"interval":5000}}""");
        var reply = await client.NextReplyAsync();

        JsonNode.DeepEquals(reply, JsonNode.Parse("""{"jsonrpc":"2.0","id":0,"result":{"value":"pong"}}""")).Should().BeTrue(reply!.ToJsonString());
    }

    [Fact]
    public async Task String_ids_are_echoed_as_received()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"jsonrpc":"2.0","id":"req-7","method":"ping"}""");
        var reply = await client.NextReplyAsync();

        reply!["id"]!.GetValue<string>().Should().Be("req-7");
        reply["result"]!["value"]!.GetValue<string>().Should().Be("pong");
    }

    [Fact]
    public async Task Requests_in_binary_frames_get_text_replies()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", WebSocketMessageType.Binary);
        var reply = await client.NextReplyAsync();

        reply!["result"]!["value"]!.GetValue<string>().Should().Be("pong");
    }

    [Fact]
    public async Task Describe_ServerManager_names_a_type_kurento_client_knows_and_starts_a_session()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var result = await client.ResultAsync("describe", new JsonObject { ["object"] = "manager_ServerManager" });

        result["qualifiedType"]!.GetValue<string>().Should().Be("kurento.ServerManager");
        result["type"]!.GetValue<string>().Should().Be("ServerManager");
        result["hierarchy"]!.AsArray().Select(h => h!.GetValue<string>()).Should().Equal("kurento.MediaObject");
        result["sessionId"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f-]{36}$");
    }

    [Fact]
    public async Task GetInfo_lists_the_core_elements_and_filters_modules()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        // kurento-client sends getInfo with no operationParams at all.
        var value = await client.InvokeValueAsync("manager_ServerManager", "getInfo");

        value!["__type__"]!.GetValue<string>().Should().Be("ServerInfo");
        value["modules"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()).Should().Contain(["core", "elements", "filters"]);
        value["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()).Should().Contain("transactions");
    }

    [Fact]
    public async Task Describe_of_a_WebRtcEndpoint_gives_its_kurento_hierarchy()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var endpoint = await client.CreateEndpointAsync(pipeline);

        var result = await client.ResultAsync("describe", new JsonObject { ["object"] = endpoint });
        var pipelineResult = await client.ResultAsync("describe", new JsonObject { ["object"] = pipeline });

        result["qualifiedType"]!.GetValue<string>().Should().Be("kurento.WebRtcEndpoint");
        result["hierarchy"]!.AsArray().Select(h => h!.GetValue<string>()).Should().Contain(["kurento.BaseRtpEndpoint", "kurento.MediaElement", "kurento.MediaObject"]);
        pipelineResult["type"]!.GetValue<string>().Should().Be("MediaPipeline");
    }

    [Fact]
    public async Task GetPipelines_lists_the_pipelines_of_every_session()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        var a = await first.CreatePipelineAsync();
        var b = await second.CreatePipelineAsync();

        var value = await first.InvokeValueAsync("manager_ServerManager", "getPipelines");

        value!.AsArray().Select(v => v!.GetValue<string>()).Should().BeEquivalentTo([a, b]);
    }
}
