using System.Text.Json.Nodes;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>transaction as ServerMethods::transaction: ordered operations, newref:i, stop at the first error.</summary>
public sealed class KurentoTransactionTests
{
    [Fact]
    public async Task A_transaction_creates_a_pipeline_and_an_endpoint_referring_to_it_with_newref()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var result = await client.ResultAsync("transaction", JsonNode.Parse("""
            {"operations":[
              {"jsonrpc":"2.0","id":0,"method":"create","params":{"type":"MediaPipeline"}},
              {"jsonrpc":"2.0","id":1,"method":"create","params":{"type":"WebRtcEndpoint","constructorParams":{"mediaPipeline":"newref:0"}}},
              {"jsonrpc":"2.0","id":2,"method":"invoke","params":{"object":"newref:1","operation":"connect","operationParams":{"sink":"newref:1"}}}
            ]}
            """)!.AsObject());

        var replies = result["value"]!.AsArray();
        replies.Should().HaveCount(3);
        replies.Select(r => r!["id"]!.GetValue<int>()).Should().Equal(0, 1, 2);
        var pipeline = replies[0]!["result"]!["value"]!.GetValue<string>();
        var endpoint = replies[1]!["result"]!["value"]!.GetValue<string>();
        endpoint.Should().StartWith(pipeline + "/");
        server.Media.For(endpoint).Sinks.Should().HaveCount(2);
        replies[1]!["result"]!["sessionId"]!.GetValue<string>().Should().Be(client.SessionId);
    }

    [Fact]
    public async Task A_transaction_stops_at_the_first_error_and_rejects_out_of_order_ids()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var stopped = await client.ResultAsync("transaction", JsonNode.Parse("""
            {"operations":[
              {"jsonrpc":"2.0","id":0,"method":"create","params":{"type":"Nope"}},
              {"jsonrpc":"2.0","id":1,"method":"create","params":{"type":"MediaPipeline"}}
            ]}
            """)!.AsObject());
        var malformed = await client.ErrorAsync("transaction", JsonNode.Parse("""
            {"operations":[{"jsonrpc":"2.0","id":5,"method":"ping"}]}
            """)!.AsObject());

        stopped["value"]!.AsArray().Should().ContainSingle().Which!["error"]!["code"]!.GetValue<int>().Should().Be(40100);
        server.Diagnostics.GetCounts().Pipelines.Should().Be(0);
        malformed["code"]!.GetValue<int>().Should().Be(40008);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":0,"id":0,"method":"create","params":{"type":"MediaPipeline"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":0,"method":"create","params":{"type":"MediaPipeline","type":"MediaPipeline"}}""")]
    public async Task An_operation_with_a_member_twice_is_40008_not_an_unexpected_error(string operation)
    {
        // Found by the Kurento protocol fuzz target: JsonDocument accepts a member twice, but the JsonObject the transaction
        // rebuilds each operation into throws ArgumentException on it, which came back as "Unexpected error: ArgumentException".
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendTextAsync("""{"jsonrpc":"2.0","id":7,"method":"transaction","params":{"operations":[""" + operation + "]}}");
        var reply = await client.NextReplyAsync();

        reply!["error"]!["code"]!.GetValue<int>().Should().Be(40008, reply.ToJsonString());
        server.Diagnostics.GetCounts().Pipelines.Should().Be(0);
    }
}

