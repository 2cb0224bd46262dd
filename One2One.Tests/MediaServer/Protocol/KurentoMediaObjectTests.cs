using System.Text.Json.Nodes;
using One2One.MediaServer.Elements;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>create / invoke / release against a real server, with the stand-in media machinery behind the endpoints.</summary>
public sealed class KurentoMediaObjectTests
{
    private const string Offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

    [Fact]
    public async Task Create_without_constructorParams_returns_KMS_shaped_ids_and_the_sessionId()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var created = await client.ResultAsync("create", new JsonObject { ["type"] = "MediaPipeline", ["properties"] = new JsonObject() });
        var pipeline = created["value"]!.GetValue<string>();
        var endpoint = await client.CreateEndpointAsync(pipeline);

        pipeline.Should().MatchRegex("^[0-9a-f-]{36}_kurento\\.MediaPipeline$");
        endpoint.Should().MatchRegex("^" + System.Text.RegularExpressions.Regex.Escape(pipeline) + "/[0-9a-f-]{36}_kurento\\.WebRtcEndpoint$");
        created["sessionId"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        server.Media.For(endpoint).Settings.EndpointId.Should().Be(endpoint);
    }

    [Fact]
    public async Task WebRtcEndpoint_constructor_parameters_are_accepted_and_passed_on()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();

        var result = await client.ResultAsync("create", new JsonObject
        {
            ["type"] = "WebRtcEndpoint",
            ["constructorParams"] = new JsonObject
            {
                ["mediaPipeline"] = pipeline, ["recvonly"] = true, ["sendonly"] = false, ["useDataChannels"] = false,
                ["certificateKeyType"] = "ECDSA", ["qosDscp"] = "NO_VALUE", ["somethingNew"] = 1,
            },
            ["properties"] = new JsonObject(),
        });

        server.Media.For(result["value"]!.GetValue<string>()).Settings.RecvOnly.Should().BeTrue();
    }

    [Theory]
    [InlineData("""{"type":"PlayerEndpoint","constructorParams":{}}""", 40100)]
    [InlineData("""{"type":"WebRtcEndpoint"}""", 40107)]
    [InlineData("""{"type":"WebRtcEndpoint","constructorParams":{"mediaPipeline":"nope_kurento.MediaPipeline"}}""", 40101)]
    [InlineData("""{"type":"WebRtcEndpoint","constructorParams":{"mediaPipeline":"manager_ServerManager"}}""", 40107)]
    [InlineData("""{"constructorParams":{}}""", -32602)]
    public async Task Create_with_bad_parameters_fails_with_Kurento_codes(string parameters, int code)
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var error = await client.ErrorAsync("create", JsonNode.Parse(parameters)!.AsObject());

        error["code"]!.GetValue<int>().Should().Be(code);
        error["data"]!["type"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        server.Media.Created.Should().BeEmpty();
    }

    [Fact]
    public async Task ProcessOffer_returns_the_answer_and_a_second_offer_is_40208()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());

        var answer = await client.InvokeValueAsync(endpoint, "processOffer", new JsonObject { ["offer"] = Offer });
        var again = await client.InvokeAsync(endpoint, "processOffer", new JsonObject { ["offer"] = Offer });

        answer!.GetValue<string>().Should().Be(StandInWebRtcSession.Answer);
        again["error"]!["code"]!.GetValue<int>().Should().Be(40208);
        again["error"]!["data"]!["type"]!.GetValue<string>().Should().Be("SDP_END_POINT_ALREADY_NEGOTIATED");
        (await client.InvokeValueAsync(endpoint, "getLocalSessionDescriptor"))!.GetValue<string>().Should().Be(StandInWebRtcSession.Answer);
        (await client.InvokeValueAsync(endpoint, "getRemoteSessionDescriptor"))!.GetValue<string>().Should().Be(Offer);
    }

    [Fact]
    public async Task A_malformed_offer_is_40201_and_a_missing_one_40107()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());

        var malformed = await client.InvokeAsync(endpoint, "processOffer", new JsonObject { ["offer"] = "hello" });
        var missing = await client.InvokeAsync(endpoint, "processOffer", new JsonObject());

        malformed["error"]!["code"]!.GetValue<int>().Should().Be(40201);
        malformed["error"]!["data"]!["type"]!.GetValue<string>().Should().Be("SDP_PARSE_ERROR");
        missing["error"]!["code"]!.GetValue<int>().Should().Be(40107);
    }

    [Fact]
    public async Task Void_operations_answer_value_null()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        await client.InvokeValueAsync(endpoint, "processOffer", new JsonObject { ["offer"] = Offer });

        var reply = await client.InvokeAsync(endpoint, "gatherCandidates");

        var result = reply["result"]!.AsObject();
        result.ContainsKey("value").Should().BeTrue();
        result["value"].Should().BeNull();
        result["sessionId"]!.GetValue<string>().Should().Be(client.SessionId);
    }

    [Fact]
    public async Task AddIceCandidate_accepts_candidates_with_and_without_the_type_markers()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        const string text = "candidate:2512830848 1 udp 2122260223 10.0.0.5 51875 typ host generation 0";

        await client.InvokeValueAsync(endpoint, "addIceCandidate", new JsonObject
        {
            ["candidate"] = new JsonObject { ["__module__"] = "kurento", ["__type__"] = "IceCandidate", ["candidate"] = text, ["sdpMid"] = "0", ["sdpMLineIndex"] = 0 },
        });
        await client.InvokeValueAsync(endpoint, "addIceCandidate", new JsonObject
        {
            ["candidate"] = new JsonObject { ["candidate"] = text, ["sdpMid"] = "1", ["sdpMLineIndex"] = 1 },
        });
        var bad = await client.InvokeAsync(endpoint, "addIceCandidate", new JsonObject { ["candidate"] = "not an object" });

        server.Media.For(endpoint).RemoteCandidates.Should().Equal(
            new RemoteIceCandidate(text, "0", 0),
            new RemoteIceCandidate(text, "1", 1));
        bad["error"]!["code"]!.GetValue<int>().Should().Be(40107);
    }

    [Fact]
    public async Task Connecting_an_endpoint_to_itself_relays_audio_and_video_to_itself()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());

        await client.InvokeValueAsync(endpoint, "connect", new JsonObject { ["sink"] = endpoint });
        var sinks = await client.InvokeValueAsync(endpoint, "getSinkConnections", new JsonObject());
        var sources = await client.InvokeValueAsync(endpoint, "getSourceConnections", new JsonObject { ["mediaType"] = "VIDEO" });

        var media = server.Media.For(endpoint);
        media.Sinks.Should().BeEquivalentTo(new[] { ((IWebRtcSession)media, KurentoMediaType.Audio), (media, KurentoMediaType.Video) });
        JsonNode.DeepEquals(sinks, JsonNode.Parse($$"""
            [{"__module__":"kurento","__type__":"ElementConnectionData","sink":"{{endpoint}}","sinkDescription":"default","source":"{{endpoint}}","sourceDescription":"default","type":"AUDIO"},
             {"__module__":"kurento","__type__":"ElementConnectionData","sink":"{{endpoint}}","sinkDescription":"default","source":"{{endpoint}}","sourceDescription":"default","type":"VIDEO"}]
            """)).Should().BeTrue(sinks!.ToJsonString());
        sources!.AsArray().Should().ContainSingle().Which!["type"]!.GetValue<string>().Should().Be("VIDEO");
    }

    [Fact]
    public async Task Connect_and_disconnect_by_media_type_drive_the_relay()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var a = await client.CreateEndpointAsync(pipeline);
        var b = await client.CreateEndpointAsync(pipeline);

        await client.InvokeValueAsync(a, "connect", new JsonObject { ["sink"] = b });
        await client.InvokeValueAsync(a, "disconnect", new JsonObject { ["sink"] = b, ["mediaType"] = "AUDIO" });
        var bad = await client.InvokeAsync(a, "connect", new JsonObject { ["sink"] = b, ["mediaType"] = "SMELL" });

        server.Media.For(a).Sinks.Should().Equal(((IWebRtcSession)server.Media.For(b), KurentoMediaType.Video));
        (await client.InvokeValueAsync(b, "getSourceConnections"))!.AsArray().Should().ContainSingle()
            .Which!["source"]!.GetValue<string>().Should().Be(a);
        bad["error"]!["code"]!.GetValue<int>().Should().Be(40107);
    }

    [Fact]
    public async Task Connecting_or_disconnecting_elements_of_different_pipelines_is_40004_as_KMS_and_relays_nothing()
    {
        // Another session's endpoint as the sink would copy that call's media to this session's browser.
        await using var server = await KurentoTestServer.StartAsync();
        await using var victim = await server.ConnectAsync();
        await using var intruder = await server.ConnectAsync();
        var victimEndpoint = await victim.CreateEndpointAsync(await victim.CreatePipelineAsync());
        var intruderEndpoint = await intruder.CreateEndpointAsync(await intruder.CreatePipelineAsync());

        var tap = await intruder.InvokeAsync(victimEndpoint, "connect", new JsonObject { ["sink"] = intruderEndpoint });
        var inject = await intruder.InvokeAsync(intruderEndpoint, "connect", new JsonObject { ["sink"] = victimEndpoint, ["mediaType"] = "VIDEO" });
        var disconnect = await intruder.InvokeAsync(victimEndpoint, "disconnect", new JsonObject { ["sink"] = intruderEndpoint });

        foreach (var reply in new[] { tap, inject, disconnect })
        {
            reply["error"]!["code"]!.GetValue<int>().Should().Be(40004, reply.ToJsonString());
            reply["error"]!["data"]!["type"]!.GetValue<string>().Should().Be("CONNECT_ERROR");
            reply["error"]!["message"]!.GetValue<string>().Should().Contain("do not share pipeline");
        }

        server.Media.For(victimEndpoint).Sinks.Should().BeEmpty();
        server.Media.For(intruderEndpoint).Sinks.Should().BeEmpty();
        (await victim.InvokeValueAsync(victimEndpoint, "getSourceConnections"))!.AsArray().Should().BeEmpty();
        (await victim.InvokeValueAsync(victimEndpoint, "getSinkConnections"))!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task GetStats_returns_KMS_shaped_rtp_stream_stats_filtered_by_media_type()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());

        var all = (await client.InvokeValueAsync(endpoint, "getStats"))!.AsObject();
        var video = (await client.InvokeValueAsync(endpoint, "getStats", new JsonObject { ["mediaType"] = "VIDEO" }))!.AsObject();

        all.Should().HaveCount(3);
        video.Should().HaveCount(2);
        var inbound = all.Select(kv => kv.Value!).Single(s => s["ssrc"]!.GetValue<string>() == "2222");
        inbound["__module__"]!.GetValue<string>().Should().Be("kurento");
        inbound["__type__"]!.GetValue<string>().Should().Be("RTCInboundRTPStreamStats");
        inbound["type"]!.GetValue<string>().Should().Be("inboundrtp");
        inbound["packetsReceived"]!.GetValue<long>().Should().Be(100);
        inbound["bytesReceived"]!.GetValue<long>().Should().Be(100000);
        inbound["timestampMillis"]!.GetValue<long>().Should().BePositive();
        all.Select(kv => kv.Value!).Single(s => s["ssrc"]!.GetValue<string>() == "3333")["packetsSent"]!.GetValue<long>().Should().Be(90);
        all.Should().AllSatisfy(kv => kv.Value!["id"]!.GetValue<string>().Should().Be(kv.Key));
    }

    [Fact]
    public async Task Media_flow_queries_and_keyframe_requests_reach_the_media_session()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        server.Media.For(endpoint).FlowingIn = true;

        var flowingIn = await client.InvokeValueAsync(endpoint, "isMediaFlowingIn", new JsonObject { ["mediaType"] = "VIDEO" });
        var flowingOut = await client.InvokeValueAsync(endpoint, "isMediaFlowingOut", new JsonObject { ["mediaType"] = "AUDIO" });
        await client.InvokeValueAsync(endpoint, "requestKeyframe");
        var missingType = await client.InvokeAsync(endpoint, "isMediaFlowingIn");

        flowingIn!.GetValue<bool>().Should().BeTrue();
        flowingOut!.GetValue<bool>().Should().BeFalse();
        server.Media.For(endpoint).KeyframeRequests.Should().Be(1);
        missingType["error"]!["code"]!.GetValue<int>().Should().Be(40107);
    }

    [Fact]
    public async Task The_ice_connection_state_reads_the_media_sessions_as_one_component()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        var fresh = (await client.InvokeValueAsync(endpoint, "getIceConnectionState"))!.AsArray();
        server.Media.For(endpoint).IceState = KurentoIceState.Ready;

        var ready = (await client.InvokeValueAsync(endpoint, "getIceConnectionState"))!.AsArray();

        fresh.Single()!["state"]!.GetValue<string>().Should().Be("DISCONNECTED");
        var connection = ready.Single()!;
        connection["__module__"]!.GetValue<string>().Should().Be("kurento");
        connection["__type__"]!.GetValue<string>().Should().Be("IceConnection");
        connection["streamId"]!.GetValue<string>().Should().Be("1");
        connection["componentId"]!.GetValue<int>().Should().Be(1);
        connection["state"]!.GetValue<string>().Should().Be("READY");
        await using var kurento = One2One.Tests.Support.KurentoClients.For(server.Uri);
        var typed = await (await kurento.CreateMediaPipelineAsync()).CreateWebRtcEndpointAsync();
        server.Media.For(typed.Id).IceState = KurentoIceState.Connected;
        (await typed.GetIceConnectionStateAsync()).Should().Equal(new One2One.Kurento.IceConnection(1, One2One.Kurento.IceComponentState.Connected));
    }

    [Fact]
    public async Task Getters_name_the_family_of_an_object()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var endpoint = await client.CreateEndpointAsync(pipeline);

        (await client.InvokeValueAsync(endpoint, "getMediaPipeline"))!.GetValue<string>().Should().Be(pipeline);
        (await client.InvokeValueAsync(endpoint, "getParent"))!.GetValue<string>().Should().Be(pipeline);
        (await client.InvokeValueAsync(pipeline, "getParent")).Should().BeNull();
        (await client.InvokeValueAsync(pipeline, "getChildren"))!.AsArray().Select(c => c!.GetValue<string>()).Should().Equal(endpoint);
        (await client.InvokeValueAsync(endpoint, "getName"))!.GetValue<string>().Should().Be(endpoint);
        await client.InvokeValueAsync(endpoint, "setName", new JsonObject { ["name"] = "caller" });
        (await client.InvokeValueAsync(endpoint, "getName"))!.GetValue<string>().Should().Be("caller");
        await client.InvokeValueAsync(endpoint, "setMaxVideoSendBandwidth", new JsonObject { ["maxVideoSendBandwidth"] = 2000 });
        (await client.InvokeValueAsync(endpoint, "getMaxVideoSendBandwidth"))!.GetValue<int>().Should().Be(2000);
        (await client.InvokeValueAsync(endpoint, "getStunServerPort"))!.GetValue<int>().Should().Be(3478);
    }

    [Fact]
    public async Task An_unknown_operation_is_40105_and_an_unknown_object_40101()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());

        var unknownOperation = await client.InvokeAsync(endpoint, "fly");
        var unknownObject = await client.InvokeAsync("ghost_kurento.MediaPipeline", "getName");

        unknownOperation["error"]!["code"]!.GetValue<int>().Should().Be(40105);
        unknownOperation["error"]!["data"]!["type"]!.GetValue<string>().Should().Be("MEDIA_OBJECT_METHOD_NOT_FOUND");
        JsonNode.DeepEquals(unknownObject["error"], JsonNode.Parse("""
            {"code":40101,"message":"Object 'ghost_kurento.MediaPipeline' not found","data":{"type":"MEDIA_OBJECT_NOT_FOUND"}}
            """)).Should().BeTrue(unknownObject.ToJsonString());
    }

    [Fact]
    public async Task Releasing_a_pipeline_releases_its_endpoints_once_and_later_use_is_40101()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var a = await client.CreateEndpointAsync(pipeline);
        var b = await client.CreateEndpointAsync(pipeline);
        await client.InvokeValueAsync(a, "connect", new JsonObject { ["sink"] = b });
        await client.InvokeValueAsync(b, "connect", new JsonObject { ["sink"] = a });
        var subscription = await client.SubscribeAsync(a, "IceCandidateFound");

        var released = await client.ResultAsync("release", new JsonObject { ["object"] = pipeline });
        var later = await client.InvokeAsync(a, "addIceCandidate", new JsonObject { ["candidate"] = new JsonObject { ["candidate"] = "candidate:1 1 udp 1 1.2.3.4 5 typ host" } });
        var twice = await client.ErrorAsync("release", new JsonObject { ["object"] = pipeline });
        var describe = await client.ErrorAsync("describe", new JsonObject { ["object"] = b });
        // kurento-client unsubscribes after a release: that must not fail.
        var unsubscribed = await client.ResultAsync("unsubscribe", new JsonObject { ["object"] = a, ["subscription"] = subscription });

        released.AsObject().Select(kv => kv.Key).Should().Equal("sessionId");
        later["error"]!["code"]!.GetValue<int>().Should().Be(40101);
        twice["code"]!.GetValue<int>().Should().Be(40101);
        describe["code"]!.GetValue<int>().Should().Be(40101);
        unsubscribed["sessionId"].Should().NotBeNull();
        server.Media.Created.Should().HaveCount(2).And.AllSatisfy(s =>
        {
            s.DisposeCount.Should().Be(1);
            s.Sinks.Should().BeEmpty();
        });
        server.Diagnostics.GetCounts().Should().Be(new One2One.MediaServer.Hosting.MediaServerCounts(1, 1, 0, 0, 0));
    }

    [Fact]
    public async Task Releasing_one_endpoint_disconnects_it_from_its_peers()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var pipeline = await client.CreatePipelineAsync();
        var a = await client.CreateEndpointAsync(pipeline);
        var b = await client.CreateEndpointAsync(pipeline);
        await client.InvokeValueAsync(a, "connect", new JsonObject { ["sink"] = b });
        await client.InvokeValueAsync(b, "connect", new JsonObject { ["sink"] = a });

        await client.ResultAsync("release", new JsonObject { ["object"] = b });

        server.Media.For(a).Sinks.Should().BeEmpty();
        server.Media.For(b).DisposeCount.Should().Be(1);
        server.Media.For(a).DisposeCount.Should().Be(0);
        (await client.InvokeValueAsync(a, "getSourceConnections"))!.AsArray().Should().BeEmpty();
        (await client.InvokeValueAsync(pipeline, "getChildren"))!.AsArray().Select(c => c!.GetValue<string>()).Should().Equal(a);
    }

    [Fact]
    public async Task The_ServerManager_cannot_be_released()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var error = await client.ErrorAsync("release", new JsonObject { ["object"] = "manager_ServerManager" });

        error["code"]!.GetValue<int>().Should().Be(40111);
    }

    [Fact]
    public async Task Unimplemented_SDP_roles_answer_40006()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());

        var error = (await client.InvokeAsync(endpoint, "generateOffer"))["error"]!;

        error["code"]!.GetValue<int>().Should().Be(40006);
        error["data"]!["type"]!.GetValue<string>().Should().Be("NOT_IMPLEMENTED");
    }

    [Fact]
    public async Task Tags_are_kept_and_sent_in_events_when_asked()
    {
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());

        await client.InvokeValueAsync(endpoint, "addTag", new JsonObject { ["key"] = "user", ["value"] = "alice" });
        var tag = await client.InvokeValueAsync(endpoint, "getTag", new JsonObject { ["key"] = "user" });
        var missing = await client.InvokeAsync(endpoint, "getTag", new JsonObject { ["key"] = "nope" });
        var tags = await client.InvokeValueAsync(endpoint, "getTags");

        tag!.GetValue<string>().Should().Be("alice");
        missing["error"]!["code"]!.GetValue<int>().Should().Be(40110);
        JsonNode.DeepEquals(tags, JsonNode.Parse("""[{"__module__":"kurento","__type__":"Tag","key":"user","value":"alice"}]""")).Should().BeTrue();
    }
}
