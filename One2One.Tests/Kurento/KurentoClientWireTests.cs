using System.Net.WebSockets;
using System.Text.Json.Nodes;
using One2One.Kurento;
using One2One.Tests.Kurento.Support;

namespace One2One.Tests.Kurento;

/// <summary>What goes on the wire for each operation, checked field by field against the Kurento protocol.</summary>
public sealed class KurentoClientWireTests : IAsyncLifetime
{
    private ScriptedKurentoServer _server = null!;

    public async Task InitializeAsync() => _server = await ScriptedKurentoServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_call_setup_sends_the_exact_requests_of_the_protocol()
    {
        await using var client = KurentoTestClient.Create(_server);
        const string offer = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
        var candidate = new KurentoIceCandidate("candidate:2512830848 1 udp 2122260223 10.0.0.5 51875 typ host generation 0", "0", 0);

        var pipeline = await client.CreateMediaPipelineAsync();
        var caller = await pipeline.CreateWebRtcEndpointAsync();
        var callee = await pipeline.CreateWebRtcEndpointAsync();
        await caller.ConnectAsync(callee);
        await callee.ConnectAsync(caller, MediaType.Video);
        string answer = await callee.ProcessOfferAsync(offer);
        await callee.GatherCandidatesAsync();
        await caller.AddIceCandidateAsync(candidate);
        await caller.DisconnectAsync(callee, MediaType.Audio);
        await pipeline.ReleaseAsync();

        answer.Should().Be(ScriptedKurentoServer.DefaultAnswer);
        var requests = _server.Requests;
        requests.Should().HaveCount(12);
        requests.Select(r => r.Id).Should().OnlyHaveUniqueItems();
        requests.Should().OnlyContain(r => r.Raw.StartsWith("{\"jsonrpc\":\"2.0\",\"id\":", StringComparison.Ordinal));

        // The first request starts the session; every later one carries the sessionId it got. The second refers to an
        // object in it, the ServerManager, as the official clients do: KMS keeps a session only once one has.
        requests[0].Method.Should().Be("connect");
        requests[0].Params.Should().BeNull();
        string session = client.SessionId!;
        session.Should().NotBeNullOrEmpty();
        ExpectParams(requests[1], "describe", new JsonObject { ["object"] = "manager_ServerManager", ["sessionId"] = session });
        requests = [requests[0], .. requests.Skip(2)];

        string p = pipeline.Id, a = caller.Id, b = callee.Id;
        ExpectParams(requests[1], "create", new JsonObject { ["type"] = "MediaPipeline", ["constructorParams"] = new JsonObject(), ["properties"] = new JsonObject(), ["sessionId"] = session });
        ExpectParams(requests[2], "create", new JsonObject { ["type"] = "WebRtcEndpoint", ["constructorParams"] = new JsonObject { ["mediaPipeline"] = p }, ["properties"] = new JsonObject(), ["sessionId"] = session });
        ExpectParams(requests[3], "create", new JsonObject { ["type"] = "WebRtcEndpoint", ["constructorParams"] = new JsonObject { ["mediaPipeline"] = p }, ["properties"] = new JsonObject(), ["sessionId"] = session });
        ExpectParams(requests[4], "invoke", new JsonObject { ["object"] = a, ["operation"] = "connect", ["operationParams"] = new JsonObject { ["sink"] = b }, ["sessionId"] = session });
        ExpectParams(requests[5], "invoke", new JsonObject { ["object"] = b, ["operation"] = "connect", ["operationParams"] = new JsonObject { ["sink"] = a, ["mediaType"] = "VIDEO" }, ["sessionId"] = session });
        ExpectParams(requests[6], "invoke", new JsonObject { ["object"] = b, ["operation"] = "processOffer", ["operationParams"] = new JsonObject { ["offer"] = offer }, ["sessionId"] = session });
        ExpectParams(requests[7], "invoke", new JsonObject { ["object"] = b, ["operation"] = "gatherCandidates", ["sessionId"] = session });
        ExpectParams(requests[8], "invoke", new JsonObject
        {
            ["object"] = a,
            ["operation"] = "addIceCandidate",
            ["operationParams"] = new JsonObject
            {
                ["candidate"] = new JsonObject
                {
                    ["__module__"] = "kurento",
                    ["__type__"] = "IceCandidate",
                    ["candidate"] = candidate.Candidate,
                    ["sdpMid"] = "0",
                    ["sdpMLineIndex"] = 0,
                },
            },
            ["sessionId"] = session,
        });
        ExpectParams(requests[9], "invoke", new JsonObject { ["object"] = a, ["operation"] = "disconnect", ["operationParams"] = new JsonObject { ["sink"] = b, ["mediaType"] = "AUDIO" }, ["sessionId"] = session });
        ExpectParams(requests[10], "release", new JsonObject { ["object"] = p, ["sessionId"] = session });
    }

    [Fact]
    public async Task An_error_reply_is_thrown_with_the_media_servers_code_and_type()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        _server.When(r => r.IsInvoke("processOffer"), ScriptedReply.Error(40201, "SDP_PARSE_ERROR", "Error parsing SDP"));

        var offering = () => endpoint.ProcessOfferAsync("not sdp");

        var thrown = await offering.Should().ThrowAsync<KurentoException>();
        thrown.Which.Code.Should().Be(KurentoErrorCodes.SdpParseError);
        thrown.Which.Type.Should().Be("SDP_PARSE_ERROR");
        thrown.Which.Message.Should().Contain("processOffer").And.Contain("Error parsing SDP");
    }

    [Fact]
    public async Task A_long_error_message_is_kept_to_its_first_kilobyte()
    {
        // A media server's error may quote the offer it refused (KMS quotes SDP): the exception, logged and shown, keeps the start.
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        _server.When(r => r.IsInvoke("processOffer"), ScriptedReply.Error(40201, "SDP_PARSE_ERROR", "Error parsing SDP: " + new string('x', 60_000)));

        var offering = () => endpoint.ProcessOfferAsync("v=0");

        var thrown = await offering.Should().ThrowAsync<KurentoException>();
        thrown.Which.Code.Should().Be(KurentoErrorCodes.SdpParseError);
        thrown.Which.Message.Should().Contain("Error parsing SDP: xxx").And.EndWith("…");
        thrown.Which.Message.Length.Should().BeLessThan(1_200);
    }

    [Fact]
    public async Task Using_an_object_after_its_pipeline_was_released_throws_object_not_found()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        await pipeline.ReleaseAsync();

        var adding = () => endpoint.AddIceCandidateAsync(new KurentoIceCandidate("candidate:1 1 UDP 1 192.0.2.1 9 typ host", "0", 0));

        var thrown = await adding.Should().ThrowAsync<KurentoException>();
        thrown.Which.Code.Should().Be(KurentoErrorCodes.MediaObjectNotFound);
        thrown.Which.Type.Should().Be("MEDIA_OBJECT_NOT_FOUND");
    }

    [Fact]
    public async Task Pipeline_ids_come_from_describe_then_getPipelines_on_the_server_manager()
    {
        await using var client = KurentoTestClient.Create(_server);
        var first = await client.CreateMediaPipelineAsync();
        var second = await client.CreateMediaPipelineAsync();

        var ids = await client.GetPipelineIdsAsync();

        ids.Should().BeEquivalentTo([first.Id, second.Id]);
        var requests = _server.Requests;
        ExpectParams(requests[^2], "describe", new JsonObject { ["object"] = "manager_ServerManager", ["sessionId"] = client.SessionId });
        ExpectParams(requests[^1], "invoke", new JsonObject { ["object"] = "manager_ServerManager", ["operation"] = "getPipelines", ["sessionId"] = client.SessionId });
    }

    [Fact]
    public async Task A_void_result_may_carry_a_null_value_or_no_value_at_all()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        _server.When(r => r.IsInvoke("gatherCandidates"), ScriptedReply.Result(new JsonObject { ["sessionId"] = client.SessionId }), times: 1);

        await endpoint.GatherCandidatesAsync();   // no "value"
        await endpoint.GatherCandidatesAsync();   // "value": null

        _server.RequestsOf("invoke").Should().HaveCount(2);
    }

    [Fact]
    public async Task A_reply_whose_value_has_the_wrong_shape_is_a_KurentoException()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        _server.When(r => r.IsInvoke("processOffer"), ScriptedReply.Result(new JsonObject { ["value"] = 42 }));

        var offering = () => endpoint.ProcessOfferAsync("v=0");

        await offering.Should().ThrowAsync<KurentoException>().WithMessage("*processOffer*no string value*");
    }

    [Fact]
    public async Task The_ice_connection_state_is_read_per_component_and_a_malformed_one_is_a_KurentoException()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        _server.SetIceState(endpoint.Id, "READY");

        (await endpoint.GetIceConnectionStateAsync()).Should().Equal(new IceConnection(1, IceComponentState.Ready));

        _server.When(r => r.IsInvoke("getIceConnectionState"), ScriptedReply.Result(new JsonObject
        {
            ["value"] = new JsonArray(new JsonObject { ["streamId"] = "1", ["componentId"] = 1, ["state"] = "SLEEPING" }),
        }));
        var reading = () => endpoint.GetIceConnectionStateAsync();
        await reading.Should().ThrowAsync<KurentoException>().WithMessage("*getIceConnectionState*malformed IceConnection*");
    }

    [Fact]
    public async Task A_reply_cut_into_one_byte_frames_is_decoded_whole_even_inside_UTF8_characters()
    {
        await using var client = KurentoTestClient.Create(_server);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        const string answer = "v=0\r\ns=Grüße € 😀\r\n";
        _server.SdpAnswer = _ => answer;
        _server.FrameSize = 1;

        string received = await endpoint.ProcessOfferAsync("v=0");

        received.Should().Be(answer);
    }

    [Fact]
    public async Task Replies_in_binary_frames_are_read_like_text_frames()
    {
        _server.BinaryFrames = true;
        await using var client = KurentoTestClient.Create(_server);

        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();

        endpoint.Id.Should().StartWith(pipeline.Id + "/");
        _server.Requests.Should().OnlyContain(r => r.FrameType == WebSocketMessageType.Text);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_drops_the_connection_and_fails_its_request()
    {
        await using var client = KurentoTestClient.Create(_server, configure: o => o.MaxMessageSize = 4096);
        var pipeline = await client.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        _server.SdpAnswer = _ => new string('a', 8192);

        var offering = () => endpoint.ProcessOfferAsync("v=0");

        await offering.Should().ThrowAsync<KurentoException>().WithMessage("*connection to the media server was lost*exceeded 4096 bytes*");
        var resume = await _server.WaitForRequestAsync(r => r.Connection == 2 && r.Method == "connect");
        resume.SessionId.Should().Be(client.SessionId);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"7\"")]
    [InlineData("{}")]
    public async Task A_reply_whose_id_is_not_a_number_is_dropped_without_dropping_the_connection(string id)
    {
        // Found by the Kurento client fuzz target: JsonElement.TryGetInt64 throws on a non-number id (a parse error reply
        // carries "id": null), which ended the receive loop and with it the connection and every pending request.
        await using var client = KurentoTestClient.Create(_server);
        await client.CreateMediaPipelineAsync();

        await _server.SendRawAsync("""{"jsonrpc":"2.0","id":""" + id + ""","error":{"code":-32700,"message":"Parse error","data":{"type":"PARSE_ERROR"}}}""");
        await client.CreateMediaPipelineAsync();

        _server.ConnectionCount.Should().Be(1, "a reply nobody can match is logged and dropped; the connection stays");
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"onEvent","params":{"value":{"object":"\ud800","type":"IceCandidateFound","data":{}}}}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"onEvent","params":{"value":{"object":"o","type":"\udc00","data":{}}}}""")]
    [InlineData("""{"jsonrpc":"2.0","\ud800":1,"method":"onEvent"}""")]
    public async Task A_string_escaping_a_lone_surrogate_is_dropped_as_malformed_without_dropping_the_connection(string message)
    {
        // Found by the Kurento client fuzz target: "\ud800" is valid JSON but not text, and JsonElement.GetString throws
        // InvalidOperationException on it (TryGetProperty too, on such a property name), which ended the receive loop.
        await using var client = KurentoTestClient.Create(_server);
        await client.CreateMediaPipelineAsync();

        await _server.SendRawAsync(message);
        await client.CreateMediaPipelineAsync();

        _server.ConnectionCount.Should().Be(1, "a malformed message is logged and dropped; the connection stays");
    }

    private static void ExpectParams(ReceivedRequest request, string method, JsonObject expected)
    {
        request.Method.Should().Be(method);
        JsonNode.DeepEquals(request.Params, expected).Should().BeTrue(
            "{0} should carry {1} but carried {2}", method, expected.ToJsonString(), request.Params?.ToJsonString());
    }
}
