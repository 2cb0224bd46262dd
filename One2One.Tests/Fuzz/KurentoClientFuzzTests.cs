using System.Text.Json;
using System.Text.Json.Nodes;
using One2One.Kurento;
using One2One.Kurento.Internal;
using One2One.Tests.Fuzz.Support;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Fuzz;

/// <summary>
/// The Kurento client's reading of what a media server sends: mutated replies and events in KMS's shapes, over a real
/// WebSocket from a scripted server ahead of the genuine reply, and the event records' parsers on their own. A request
/// ends with its result or a <see cref="KurentoException"/>, the connection survives, and a parser throws only the
/// <see cref="FormatException"/> its contract names.
/// </summary>
[Trait("Category", "Fuzz")]
[Collection(CpuHeavyCollection.Name)]
public sealed class KurentoClientFuzzTests
{
    /// <summary>Stands for the request's id; replaced after mutation, so that a case mutates the same text whatever the id.</summary>
    private const string Id = "4242424242";

    private static readonly string[] Messages =
    [
        """{"jsonrpc":"2.0","id":4242424242,"result":{"value":"pong","sessionId":"3a4c6f0e-1d2b-4c5d-8e9f-a0b1c2d3e4f5"}}""",
        """{"jsonrpc":"2.0","id":4242424242,"result":{"value":["3f8a_kurento.MediaPipeline","77b1_kurento.MediaPipeline"],"sessionId":"s"}}""",
        """{"jsonrpc":"2.0","id":4242424242,"error":{"code":40101,"message":"Object '3f8a' not found","data":{"type":"MEDIA_OBJECT_NOT_FOUND"}}}""",
        """{"jsonrpc":"2.0","id":4242424242,"result":{"hierarchy":["kurento.MediaObject"],"qualifiedType":"kurento.ServerManager","type":"ServerManager","sessionId":"s"}}""",
        """{"jsonrpc":"2.0","method":"onEvent","params":{"value":{"data":{"candidate":{"__module__":"kurento","__type__":"IceCandidate","candidate":"candidate:1 1 UDP 2015363327 192.0.2.10 40000 typ host","sdpMLineIndex":0,"sdpMid":"0"},"source":"B","tags":[],"timestampMillis":"1700000000123","type":"IceCandidateFound"},"object":"B","type":"IceCandidateFound"}}}""",
        """{"jsonrpc":"2.0","method":"onEvent","params":{"value":{"data":{"componentId":1,"source":"A","state":"CONNECTING","streamId":"1","tags":[],"timestampMillis":"1","type":"IceComponentStateChanged"},"object":"A","type":"IceComponentStateChanged"}}}""",
        """{"jsonrpc":"2.0","method":"onEvent","params":{"value":{"data":{"description":"Pipeline error","errorCode":2,"type":"UNEXPECTED_PIPELINE_ERROR","source":"P"},"object":"P","type":"Error"}}}""",
        """{"jsonrpc":"2.0","method":"onEvent","params":{"value":{"data":{"candidatePair":{"componentId":1,"localCandidate":"candidate:L","remoteCandidate":"candidate:R","streamId":"1"},"source":"A"},"object":"A","type":"NewCandidatePairSelected"}}}""",
        """{"jsonrpc":"2.0","method":"onEvent","params":{"value":{"data":{"mediaType":"VIDEO","padName":"default","source":"A","state":"FLOWING"},"object":"A","type":"MediaFlowInStateChanged"}}}""",
    ];

    [Fact]
    public async Task Mutated_replies_and_events_end_a_request_with_its_result_or_a_KurentoException_and_the_connection_stays()
    {
        await using var server = await ScriptedKurentoServer.StartAsync();
        var log = new RecordingLogger<KurentoClient>();
        await using var client = KurentoTestClient.Create(server, logger: log);
        await client.RequestAsync("ping", null, CancellationToken.None);
        server.When(r => r.Method == "ping", ScriptedReply.Hold);

        await SeededCheck.RunAsync("Kurento reply", FuzzRun.TextCases(Messages.Length), async c =>
        {
            var lostBefore = log.WithEvent("ConnectionLost").Count();
            var request = client.RequestAsync("ping", null, CancellationToken.None);
            var held = await server.WaitForHeldAsync(1);
            var id = held[0].Request.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var mutated = Mutator.Apply(Messages[c.Input], c.Mutations, Messages, TextFormats.Json);
            await server.SendRawAsync(mutated.Replace(Id, id, StringComparison.Ordinal));
            await server.ReleaseAsync(held);
            try
            {
                var result = await request.WaitAsync(KurentoTestClient.Soon);
                _ = Read(() => KurentoReply.GetString(result, "ping"));
                _ = Read(() => KurentoReply.GetStringArray(result, "ping"));
            }
            catch (KurentoException)
            {
                // An error reply with our id, or a reply of the wrong shape: what the contract allows.
            }

            // A genuine exchange after it: by then the receive loop has dealt with the mutated message.
            await client.RequestAsync("describe", new JsonObject { ["object"] = "manager_ServerManager" }, CancellationToken.None);
            var lost = log.WithEvent("ConnectionLost").Skip(lostBefore).Select(e => e.Message).ToList();
            lost.Should().BeEmpty("nothing a media server sends makes the client drop its connection");
        }, c => $"{c}\n{Mutator.Show(Mutator.Apply(Messages[c.Input], c.Mutations, Messages, TextFormats.Json))}", FuzzRun.Settings(ciIterations: 1500));
    }

    [Fact]
    public void Mutated_event_data_parses_or_throws_FormatException()
    {
        string[] data = [.. Messages.Skip(4).Select(m => JsonNode.Parse(m)!["params"]!["value"]!["data"]!.ToJsonString())];
        FuzzRun.Text("Kurento event data", data, TextFormats.Json, text =>
        {
            // As the connection hands it on: UTF-8 off the socket, parsed, every string text.
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            JsonElement element;
            try
            {
                using var document = JsonDocument.Parse(bytes);
                element = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return;
            }

            if (!JsonStrings.AreText(bytes))
            {
                return;
            }

            Parses(() => IceCandidateFound.Parse(element));
            Parses(() => IceGatheringDone.Parse(element));
            Parses(() => IceComponentStateChanged.Parse(element));
            Parses(() => NewCandidatePairSelected.Parse(element));
            Parses(() => MediaErrorOccurred.Parse(element));
            Parses(() => MediaFlowInStateChanged.Parse(element));
            Parses(() => MediaFlowOutStateChanged.Parse(element));
        }, FuzzRun.Settings(ciIterations: 5_000));
    }

    private static void Parses<T>(Func<T> parse)
    {
        try
        {
            parse();
        }
        catch (FormatException)
        {
        }
    }

    private static bool Read<T>(Func<T> read)
    {
        try
        {
            read();
            return true;
        }
        catch (KurentoException)
        {
            return false;
        }
    }
}
