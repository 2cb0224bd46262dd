using System.Text.Json;
using System.Text.Json.Nodes;
using One2One.Tests.Fuzz.Support;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.MediaServer.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Fuzz;

/// <summary>
/// Mutated Kurento requests (JSON-RPC, in kurento-client's shapes) to the media server over a real WebSocket, with the
/// real WebRTC machinery behind it. Each gets at most one reply, a well-formed JSON-RPC one whose error (if any) is a
/// Kurento error, never the "Unexpected error" of an exception that escaped; the socket keeps serving; and when the
/// session closes, nothing it made is left.
/// </summary>
[Trait("Category", "Fuzz")]
[Collection(CpuHeavyCollection.Name)]
public sealed class KurentoProtocolFuzzTests
{
    private const string Session = "$SESSION";
    private const string Pipeline = "$PIPELINE";
    private const string Endpoint = "$ENDPOINT";

    private static readonly string[] Requests =
    [
        $$$"""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"interval":240000}}""",
        $$$"""{"jsonrpc":"2.0","id":2,"method":"connect","params":{"sessionId":"{{{Session}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":3,"method":"create","params":{"type":"MediaPipeline","constructorParams":{},"properties":{},"sessionId":"{{{Session}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":4,"method":"create","params":{"type":"WebRtcEndpoint","constructorParams":{"mediaPipeline":"{{{Pipeline}}}","recvonly":false,"certificateKeyType":"ECDSA"},"properties":{},"sessionId":"{{{Session}}}"}}""",
        $$$$"""{"jsonrpc":"2.0","id":5,"method":"invoke","params":{"object":"{{{{Endpoint}}}}","operation":"processOffer","operationParams":{"offer":{{{{JsonValue.Create(SdpFixtures.RecordedChromium156).ToJsonString()}}}}},"sessionId":"{{{{Session}}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":6,"method":"invoke","params":{"object":"{{{Endpoint}}}","operation":"addIceCandidate","operationParams":{"candidate":{"__module__":"kurento","__type__":"IceCandidate","candidate":"candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host","sdpMid":"0","sdpMLineIndex":0}},"sessionId":"{{{Session}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":7,"method":"invoke","params":{"object":"{{{Endpoint}}}","operation":"connect","operationParams":{"sink":"{{{Endpoint}}}","mediaType":"VIDEO"},"sessionId":"{{{Session}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":8,"method":"subscribe","params":{"object":"{{{Endpoint}}}","type":"IceCandidateFound","sessionId":"{{{Session}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":9,"method":"invoke","params":{"object":"{{{Endpoint}}}","operation":"gatherCandidates","sessionId":"{{{Session}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":10,"method":"describe","params":{"object":"manager_ServerManager","sessionId":"{{{Session}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":11,"method":"invoke","params":{"object":"manager_ServerManager","operation":"getPipelines","sessionId":"{{{Session}}}"}}""",
        $$$$"""{"jsonrpc":"2.0","id":12,"method":"transaction","params":{"operations":[{"jsonrpc":"2.0","id":0,"method":"create","params":{"type":"MediaPipeline","constructorParams":{}}},{"jsonrpc":"2.0","id":1,"method":"create","params":{"type":"WebRtcEndpoint","constructorParams":{"mediaPipeline":"newref:0"}}},{"jsonrpc":"2.0","id":2,"method":"release","params":{"object":"newref:0"}}],"sessionId":"{{{{Session}}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":13,"method":"unsubscribe","params":{"object":"{{{Endpoint}}}","subscription":"x","sessionId":"{{{Session}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":14,"method":"invoke","params":{"object":"{{{Endpoint}}}","operation":"getStats","operationParams":{"mediaType":"AUDIO"},"sessionId":"{{{Session}}}"}}""",
        $$$"""{"jsonrpc":"2.0","id":15,"method":"release","params":{"object":"{{{Pipeline}}}-not-this-one","sessionId":"{{{Session}}}"}}""",
        $$$"""{"jsonrpc":"2.0","method":"keepAlive","params":{"sessionId":"{{{Session}}}"}}""",
    ];

    [Fact]
    public async Task Mutated_requests_get_at_most_one_well_formed_reply_and_the_session_leaves_nothing_behind()
    {
        await using var server = await KurentoTestServer.StartAsync(new Dictionary<string, string?> { ["MediaServer:MaxObjectsPerSession"] = "40" }, realMedia: true);
        await using (var client = await server.ConnectAsync())
        {
            await client.ResultAsync("connect");
            var pipeline = await client.CreatePipelineAsync();
            var endpoint = await client.CreateEndpointAsync(pipeline);
            string[] corpus = [.. Requests.Select(r => r.Replace(Session, client.SessionId, StringComparison.Ordinal)
                .Replace(Pipeline, pipeline, StringComparison.Ordinal).Replace(Endpoint, endpoint, StringComparison.Ordinal))];

            var probes = 0;
            var settings = FuzzRun.Settings(ciIterations: 1500);
            await SeededCheck.RunAsync("Kurento request", FuzzRun.TextCases(corpus.Length), async c =>
            {
                // Each case from a clean slate, whatever an earlier (failed) case left unread.
                await ExchangeAsync(client, $"sync-{++probes}", null);
                var request = Mutator.Apply(corpus[c.Input], c.Mutations, corpus, TextFormats.Json);
                var replies = await ExchangeAsync(client, $"probe-{probes}", request);
                replies.Should().HaveCountLessThanOrEqualTo(1, "one message gets one reply, a notification none");
                foreach (var reply in replies)
                {
                    WellFormed(reply);
                }
            }, c => $"{c}\n{Mutator.Show(Mutator.Apply(corpus[c.Input], c.Mutations, corpus, TextFormats.Json))}", settings);

            (await client.ResultAsync("closeSession"))["sessionId"].Should().NotBeNull();
        }

        await KurentoTestServer.EventuallyAsync(
            () => server.Diagnostics.GetCounts() is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 },
            $"closing the session releases everything it made: {server.Diagnostics.GetCounts()}");
    }

    /// <summary>Sends <paramref name="message"/> (if any), then a ping with id <paramref name="probe"/>; returns the replies before the ping's.</summary>
    private static async Task<List<JsonNode>> ExchangeAsync(KurentoTestClient client, string probe, string? message)
    {
        if (message is not null)
        {
            await client.SendTextAsync(message);
        }

        await client.SendTextAsync($$"""{"jsonrpc":"2.0","id":"{{probe}}","method":"ping"}""");
        var replies = new List<JsonNode>();
        while (true)
        {
            var reply = await client.NextReplyAsync() ?? throw new InvalidOperationException("The media server closed the socket.");

            // The raw text: an echoed id may hold an escaped lone surrogate, which JsonNode refuses to read as a string.
            if (reply["id"] is JsonValue id && id.TryGetValue(out JsonElement element) && element.GetRawText() == $"\"{probe}\"")
            {
                return replies;
            }

            replies.Add(reply);
        }
    }

    private static void WellFormed(JsonNode reply)
    {
        var text = reply.ToJsonString();
        reply["jsonrpc"]?.GetValue<string>().Should().Be("2.0", text);
        reply.AsObject().ContainsKey("id").Should().BeTrue(text);
        (reply["result"] is null).Should().NotBe(reply["error"] is null, $"a reply has a result or an error: {text}");
        if (reply["error"] is not { } error)
        {
            return;
        }

        var code = error["code"]!.GetValue<int>();
        var message = error["message"]!.GetValue<string>();
        error["data"]?["type"]?.GetValue<string>().Should().NotBeNullOrEmpty(text);
        message.Should().NotStartWith("Unexpected error", $"no exception may escape a request's handling: {text}");
        code.Should().NotBe(-32603, $"no exception may escape the socket's processing: {text}");
    }
}
