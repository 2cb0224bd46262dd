using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>Bad input gets a JSON-RPC error reply (id null when unreadable) and the socket keeps serving.</summary>
public sealed class KurentoMalformedInputTests
{
    public static TheoryData<string, byte[], int> Garbage => new()
    {
        { "random bytes", [0x00, 0xff, 0x13, 0x37, 0x80, 0x81, 0xfe], -32700 },
        { "invalid UTF-8 inside a string", [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""u8, 0xc3, 0x28, .. "\"}"u8], -32700 },
        { "invalid UTF-8 inside a parameter", [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"create\",\"params\":{\"type\":\""u8, 0xed, 0xa0, 0x80, .. "\"}}"u8], -32700 },
        { "truncated JSON", Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"ping" """), -32700 },
        { "a number", Encoding.UTF8.GetBytes("42"), -32600 },
        { "a string", Encoding.UTF8.GetBytes("\"ping\""), -32600 },
        { "an array (batch)", Encoding.UTF8.GetBytes("""[{"jsonrpc":"2.0","id":1,"method":"ping"}]"""), -32600 },
        { "an object id", Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"""), -32600 },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Garbage_gets_an_error_with_id_null_and_the_socket_keeps_serving(string what, byte[] frame, int code)
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendBytesAsync(frame);
        var reply = await client.NextReplyAsync();
        var ping = await client.ResultAsync("ping");

        reply!["error"]!["code"]!.GetValue<int>().Should().Be(code, what);
        reply["id"].Should().BeNull(what);
        reply.AsObject().ContainsKey("id").Should().BeTrue("an unreadable id is answered with \"id\": null");
        reply["error"]!["data"]!["type"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        ping["value"]!.GetValue<string>().Should().Be("pong");
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"\ud800"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"create","params":{"type":"\udc00"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"\ud800":"x"}}""")]
    public async Task A_string_escaping_a_lone_surrogate_is_a_parse_error_not_a_crash(string request)
    {
        // Found by the Kurento protocol fuzz target: "\ud800" is valid JSON but not text; JsonElement.GetString threw
        // InvalidOperationException (on a property name too), answered as -32603 "Internal error" or "Unexpected error".
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync(request);
        var reply = await client.NextReplyAsync();

        reply!["error"]!["code"]!.GetValue<int>().Should().Be(-32700, reply.ToJsonString());

        (await client.ResultAsync("ping"))["value"]!.GetValue<string>().Should().Be("pong");
    }

    [Fact]
    public async Task A_request_without_jsonrpc_is_32600_with_its_id()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"id":9,"method":"ping"}""");
        var reply = await client.NextReplyAsync();

        reply!["id"]!.GetValue<int>().Should().Be(9);
        reply["error"]!["code"]!.GetValue<int>().Should().Be(-32600);
    }

    [Fact]
    public async Task An_unknown_method_is_32601()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var error = await client.ErrorAsync("teleport");

        error["code"]!.GetValue<int>().Should().Be(-32601);
        error["data"]!["type"]!.GetValue<string>().Should().Be("METHOD_NOT_FOUND");
    }

    [Fact]
    public async Task Missing_params_and_mistyped_members_are_32602()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"jsonrpc":"2.0","id":1,"method":"create"}""");
        var noParams = await client.NextReplyAsync();
        await client.SendTextAsync("""{"jsonrpc":"2.0","id":2,"method":"invoke","params":{"object":5,"operation":"getName"}}""");
        var mistyped = await client.NextReplyAsync();
        await client.SendTextAsync("""{"jsonrpc":"2.0","id":3,"method":"ping","params":[1,2]}""");
        var arrayParams = await client.NextReplyAsync();

        JsonNode.DeepEquals(noParams!["error"], JsonNode.Parse("""{"code":-32602,"message":"'params' is required","data":{"type":"INVALID_PARAMS"}}""")).Should().BeTrue(noParams.ToJsonString());
        mistyped!["error"]!["code"]!.GetValue<int>().Should().Be(-32602);
        arrayParams!["error"]!["code"]!.GetValue<int>().Should().Be(-32602);
    }

    [Fact]
    public async Task Unknown_params_are_ignored()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var result = await client.ResultAsync("create", new JsonObject { ["type"] = "MediaPipeline", ["constructorParams"] = new JsonObject { ["x"] = 1 }, ["future"] = true });

        result["value"]!.GetValue<string>().Should().EndWith("_kurento.MediaPipeline");
    }

    [Fact]
    public async Task A_notification_gets_no_reply()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"jsonrpc":"2.0","method":"ping"}""");
        await client.SendTextAsync("""{"jsonrpc":"2.0","id":"after","method":"ping"}""");
        var reply = await client.NextReplyAsync();

        reply!["id"]!.GetValue<string>().Should().Be("after");
    }

    [Fact]
    public async Task An_oversized_message_gets_an_error_and_the_socket_is_closed_without_buffering_it_all()
    {
        await using var server = await KurentoTestServer.StartAsync(new Dictionary<string, string?> { ["MediaServer:MaxMessageBytes"] = "4096" });
        await using var client = await server.ConnectAsync();
        var big = """{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":""" + "\"" + new string('x', 8192) + "\"}}";

        await client.SendTextAsync(big);
        var reply = await client.NextReplyAsync();
        await client.Closed.WaitAsync(KurentoTestClient.Timeout);

        reply!["error"]!["code"]!.GetValue<int>().Should().Be(-32600);
        reply["id"].Should().BeNull();
        client.CloseStatus.Should().Be(WebSocketCloseStatus.MessageTooBig);
        await using var next = await server.ConnectAsync();
        (await next.ResultAsync("ping"))["value"]!.GetValue<string>().Should().Be("pong");
    }

    [Fact]
    public async Task A_message_split_across_frames_is_reassembled()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        using var raw = new ClientWebSocket();
        await raw.ConnectAsync(server.Uri, CancellationToken.None);
        var bytes = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":3,"method":"ping"}""");

        await raw.SendAsync(bytes.AsMemory(0, 10), WebSocketMessageType.Binary, false, CancellationToken.None);
        await raw.SendAsync(bytes.AsMemory(10), WebSocketMessageType.Binary, true, CancellationToken.None);
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(KurentoTestClient.Timeout);
        var received = await raw.ReceiveAsync(buffer, timeout.Token);

        JsonNode.Parse(buffer.AsSpan(0, received.Count))!["result"]!["value"]!.GetValue<string>().Should().Be("pong");
    }
}
