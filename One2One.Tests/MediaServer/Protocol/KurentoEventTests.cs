using System.Text.Json.Nodes;
using One2One.MediaServer.Elements;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>subscribe / unsubscribe and the exact onEvent shape KMS sends.</summary>
public sealed class KurentoEventTests
{
    private const string Offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    [Fact]
    public async Task IceCandidateFound_and_IceGatheringDone_arrive_exactly_as_KMS_sends_them()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        await client.SubscribeAsync(endpoint, "IceCandidateFound");
        await client.SubscribeAsync(endpoint, "IceGatheringDone");
        await client.InvokeValueAsync(endpoint, "processOffer", new JsonObject { ["offer"] = Offer });

        await client.InvokeValueAsync(endpoint, "gatherCandidates");
        var candidate = await client.NextEventAsync();
        var done = await client.NextEventAsync();

        var timestamp = candidate["params"]!["value"]!["data"]!["timestampMillis"]!.GetValue<string>();
        long.TryParse(timestamp, out _).Should().BeTrue();
        JsonNode.DeepEquals(candidate, JsonNode.Parse($$$"""
            {"jsonrpc":"2.0","method":"onEvent","params":{"value":{
              "data":{"candidate":{"__module__":"kurento","__type__":"IceCandidate","candidate":"{{{StandInWebRtcSession.Candidate}}}","sdpMLineIndex":0,"sdpMid":"0"},
                      "source":"{{{endpoint}}}","tags":[],"timestampMillis":"{{{timestamp}}}","type":"IceCandidateFound"},
              "object":"{{{endpoint}}}","type":"IceCandidateFound"} } }
            """)).Should().BeTrue(candidate.ToJsonString());
        var doneTimestamp = done["params"]!["value"]!["data"]!["timestampMillis"]!.GetValue<string>();
        JsonNode.DeepEquals(done, JsonNode.Parse($$$"""
            {"jsonrpc":"2.0","method":"onEvent","params":{"value":{
              "data":{"source":"{{{endpoint}}}","tags":[],"timestampMillis":"{{{doneTimestamp}}}","type":"IceGatheringDone"},
              "object":"{{{endpoint}}}","type":"IceGatheringDone"} } }
            """)).Should().BeTrue(done.ToJsonString());
    }

    [Fact]
    public async Task State_events_from_the_media_session_have_KMS_payloads()
    {
        await using var server = await KurentoTestServer.StartAsync(fakeClock: true);
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        foreach (var type in new[] { "IceComponentStateChanged", "NewCandidatePairSelected", "MediaFlowInStateChanged", "MediaFlowOutStateChanged", "ConnectionStateChanged", "DtlsConnectionStateChange", "Error" })
        {
            await client.SubscribeAsync(endpoint, type);
        }

        var observer = server.Media.For(endpoint).Observer;
        observer.IceComponentStateChanged(1, 1, KurentoIceState.Connected);
        observer.NewCandidatePairSelected("1", 1, "candidate:l", "candidate:r");
        observer.MediaFlowInStateChanged(KurentoMediaType.Video, flowing: true);
        observer.MediaFlowOutStateChanged(KurentoMediaType.Audio, flowing: false);
        observer.ConnectionStateChanged(connected: true);
        observer.DtlsConnectionStateChanged(DtlsConnectionState.Connected);
        observer.Error("UNEXPECTED_PIPELINE_ERROR", 2, "boom");

        var millis = server.Clock!.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Expected(string type, string members, string? dataType = null) => $$$"""
            {"jsonrpc":"2.0","method":"onEvent","params":{"value":{"data":{ {{{members}}}"source":"{{{endpoint}}}","tags":[],"timestampMillis":"{{{millis}}}","type":"{{{dataType ?? type}}}"},"object":"{{{endpoint}}}","type":"{{{type}}}"} } }
            """;
        var expected = new[]
        {
            Expected("IceComponentStateChanged", """ "componentId":1,"state":"CONNECTED","streamId":1, """),
            Expected("NewCandidatePairSelected", """ "candidatePair":{"__module__":"kurento","__type__":"IceCandidatePair","componentId":1,"localCandidate":"candidate:l","remoteCandidate":"candidate:r","streamId":"1"}, """),
            Expected("MediaFlowInStateChanged", """ "mediaType":"VIDEO","padName":"default","state":"FLOWING", """),
            Expected("MediaFlowOutStateChanged", """ "mediaType":"AUDIO","padName":"default","state":"NOT_FLOWING", """),
            Expected("ConnectionStateChanged", """ "newState":"CONNECTED","oldState":"DISCONNECTED", """),
            Expected("DtlsConnectionStateChange", $$""" "componentId":1,"connectionId":"{{endpoint}}","state":"CONNECTED","streamId":"0", """),
            Expected("Error", """ "description":"boom","errorCode":2, """, "UNEXPECTED_PIPELINE_ERROR"),
        };
        foreach (var json in expected)
        {
            var received = await client.NextEventAsync();
            JsonNode.DeepEquals(received, JsonNode.Parse(json)).Should().BeTrue($"expected {json}\nreceived {received.ToJsonString()}");
        }
    }

    [Theory]
    [InlineData("OnIceCandidate")]
    [InlineData("OnIceGatheringDone")]
    public async Task A_6x_alias_subscription_is_delivered_under_the_alias(string alias)
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        await client.SubscribeAsync(endpoint, alias);
        await client.InvokeValueAsync(endpoint, "processOffer", new JsonObject { ["offer"] = Offer });

        await client.InvokeValueAsync(endpoint, "gatherCandidates");
        var received = await client.NextEventAsync();

        received["params"]!["value"]!["type"]!.GetValue<string>().Should().Be(alias);
        received["params"]!["value"]!["data"]!["type"]!.GetValue<string>().Should().Be(alias);
    }

    [Theory]
    [InlineData("IceComponentStateChange")]
    [InlineData("OnIceComponentStateChanged")]
    public async Task Every_alias_of_an_event_gets_its_own_delivery(string alias)
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        await client.SubscribeAsync(endpoint, "IceComponentStateChanged");
        await client.SubscribeAsync(endpoint, alias);

        server.Media.For(endpoint).Observer.IceComponentStateChanged(1, 1, KurentoIceState.Ready);
        var names = new[] { await client.NextEventAsync(), await client.NextEventAsync() }.Select(e => e["params"]!["value"]!["type"]!.GetValue<string>());

        names.Should().BeEquivalentTo(["IceComponentStateChanged", alias]);
    }

    [Fact]
    public async Task Other_6x_names_and_7x_events_never_raised_are_still_accepted()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var endpoint = await client.CreateEndpointAsync(pipeline);

        foreach (var name in new[] { "MediaFlowInStateChange", "MediaFlowOutStateChange", "MediaStateChanged", "MediaSessionStarted", "ElementConnected", "DataChannelOpened" })
        {
            (await client.SubscribeAsync(endpoint, name)).Should().NotBeNullOrEmpty();
        }

        (await client.SubscribeAsync(pipeline, "Error")).Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task An_unknown_event_is_40106()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();

        var error = await client.ErrorAsync("subscribe", new JsonObject { ["object"] = pipeline, ["type"] = "IceCandidateFound" });

        JsonNode.DeepEquals(error, JsonNode.Parse("""
            {"code":40106,"message":"Event 'IceCandidateFound' not supported","data":{"type":"MEDIA_OBJECT_EVENT_NOT_SUPPORTED"}}
            """)).Should().BeTrue(error.ToJsonString());
    }

    [Fact]
    public async Task Unsubscribe_stops_the_events()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        var flow = await client.SubscribeAsync(endpoint, "MediaFlowInStateChanged");
        await client.SubscribeAsync(endpoint, "MediaFlowOutStateChanged");
        var observer = server.Media.For(endpoint).Observer;

        await client.ResultAsync("unsubscribe", new JsonObject { ["object"] = endpoint, ["subscription"] = flow });
        observer.MediaFlowInStateChanged(KurentoMediaType.Video, true);
        observer.MediaFlowOutStateChanged(KurentoMediaType.Video, true);
        var next = await client.NextEventAsync();

        // Events of one object are delivered in order, so the flow-in event would have come first.
        next["params"]!["value"]!["type"]!.GetValue<string>().Should().Be("MediaFlowOutStateChanged");
    }

    [Fact]
    public async Task Element_connection_events_name_the_sink()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var a = await client.CreateEndpointAsync(pipeline);
        var b = await client.CreateEndpointAsync(pipeline);
        await client.SubscribeAsync(a, "ElementConnected");

        await client.InvokeValueAsync(a, "connect", new JsonObject { ["sink"] = b, ["mediaType"] = "VIDEO" });
        var data = (await client.NextEventAsync())["params"]!["value"]!["data"]!;

        data["sink"]!.GetValue<string>().Should().Be(b);
        data["mediaType"]!.GetValue<string>().Should().Be("VIDEO");
    }
}
