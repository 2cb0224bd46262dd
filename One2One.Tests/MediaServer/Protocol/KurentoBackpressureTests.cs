using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using One2One.MediaServer.Elements;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Protocol;

public sealed class KurentoBackpressureTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_cut_off_without_blocking_the_media_thread_and_its_session_survives()
    {
        await using var server = await KurentoTestServer.StartAsync(new Dictionary<string, string?> { ["MediaServer:EventQueueCapacity"] = "16" });
        await using var setup = await server.ConnectAsync();
        var endpoint = await setup.CreateEndpointAsync(await setup.CreatePipelineAsync());
        await setup.SubscribeAsync(endpoint, "MediaFlowInStateChanged");
        var sessionId = setup.SessionId!;

        using var stalled = await TakeOverAndStopReadingAsync(server, sessionId);

        // Raised synchronously, as a media thread would: each call must return at once whatever the socket does.
        var observer = server.Media.For(endpoint).Observer;
        var raised = 0;
        while (server.Diagnostics.GetCounts().Connections == 2 && raised < 2_000_000)
        {
            observer.MediaFlowInStateChanged(KurentoMediaType.Video, raised % 2 == 0);
            raised++;
        }

        await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Connections == 1, "the stalled socket is aborted");
        var resumed = await setup.ResultAsync("connect", new JsonObject { ["sessionId"] = sessionId });
        resumed["sessionId"]!.GetValue<string>().Should().Be(sessionId);
        (await setup.InvokeValueAsync(endpoint, "getName"))!.GetValue<string>().Should().Be(endpoint);
    }

    [Fact]
    public async Task A_client_that_keeps_reading_gets_a_burst_of_events_for_every_endpoint_at_once_and_stays_connected()
    {
        // A network blip at 500 calls: one tick of the media flow monitor raises MediaFlowIn for audio and video of 1,000
        // endpoints, synchronously, faster than the socket sends them. The app reads all the while and must not be cut off.
        const int Burst = 3000;
        await using var server = await KurentoTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        var endpoint = await client.CreateEndpointAsync(await client.CreatePipelineAsync());
        await client.SubscribeAsync(endpoint, "MediaFlowInStateChanged");

        var observer = server.Media.For(endpoint).Observer;
        for (var i = 0; i < Burst; i++)
        {
            observer.MediaFlowInStateChanged(i % 2 == 0 ? KurentoMediaType.Audio : KurentoMediaType.Video, i % 4 < 2);
        }

        for (var i = 0; i < Burst; i++)
        {
            await client.NextEventAsync();
        }

        server.Diagnostics.GetCounts().Connections.Should().Be(1, "a client that reads is not cut off");
        (await client.InvokeValueAsync(endpoint, "getName"))!.GetValue<string>().Should().Be(endpoint);
    }

    [Fact]
    public async Task A_socket_that_stops_answering_pings_is_dropped_and_its_session_waits_for_collection()
    {
        // A client whose host vanished or whose process froze: its socket stays open at TCP level and never reads again.
        await using var server = await KurentoTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["MediaServer:ControlKeepAliveInterval"] = "00:00:01",
            ["MediaServer:ControlKeepAliveTimeout"] = "00:00:01",
        });
        await using var setup = await server.ConnectAsync();
        var pipeline = await setup.CreatePipelineAsync();
        var sessionId = setup.SessionId!;

        using var frozen = await TakeOverAndStopReadingAsync(server, sessionId);

        // No receive is pending from here on, so the client's WebSocket answers no ping.
        await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Connections == 1, "the frozen socket is dropped");
        var resumed = await setup.ResultAsync("connect", new JsonObject { ["sessionId"] = sessionId });
        resumed["sessionId"]!.GetValue<string>().Should().Be(sessionId, "the session outlives the socket, as after any lost connection");
        (await setup.InvokeValueAsync(pipeline, "getName"))!.GetValue<string>().Should().Be(pipeline);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_cut_off_once_its_queue_holds_16_MiB_however_few_frames_that_is()
    {
        // Events that carry their object's tags (setSendTagsInEvents), the largest an object may hold, escaped six bytes a
        // character: about 100 KB each, so far fewer than EventQueueCapacity frames make hundreds of megabytes.
        await using var server = await KurentoTestServer.StartAsync();
        await using var setup = await server.ConnectAsync();
        var endpoint = await setup.CreateEndpointAsync(await setup.CreatePipelineAsync());
        var value = new string('\u0001', MediaObjectImpl.MaxTagValueLength);
        for (var i = 0; i < MediaObjectImpl.MaxTagsLength / (MediaObjectImpl.MaxTagValueLength + 2); i++)
        {
            await setup.InvokeValueAsync(endpoint, "addTag", new JsonObject { ["key"] = $"k{i}", ["value"] = value });
        }

        await setup.InvokeValueAsync(endpoint, "setSendTagsInEvents", new JsonObject { ["sendTagsInEvents"] = true });
        await setup.SubscribeAsync(endpoint, "MediaFlowInStateChanged");
        var sessionId = setup.SessionId!;
        using var stalled = await TakeOverAndStopReadingAsync(server, sessionId);

        // 600 events of about 74 KB: 44 MB, past 16 MiB and what the kernel's socket buffers take, in far fewer frames
        // than EventQueueCapacity (8192).
        var observer = server.Media.For(endpoint).Observer;
        for (var i = 0; i < 600; i++)
        {
            observer.MediaFlowInStateChanged(KurentoMediaType.Video, i % 2 == 0);
        }

        await KurentoTestServer.EventuallyAsync(() => server.Diagnostics.GetCounts().Connections == 1, "the stalled socket is aborted");
    }

    /// <summary>A raw socket that takes the session over, reads the reply to its connect, and then never reads again.</summary>
    private static async Task<ClientWebSocket> TakeOverAndStopReadingAsync(KurentoTestServer server, string sessionId)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(server.Uri, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":0,"method":"connect","params":{"sessionId":"{{sessionId}}"} }"""), WebSocketMessageType.Text, true, CancellationToken.None);
        using var timeout = new CancellationTokenSource(KurentoTestClient.Timeout);
        (await socket.ReceiveAsync(new byte[4096], timeout.Token)).EndOfMessage.Should().BeTrue();
        return socket;
    }
}
