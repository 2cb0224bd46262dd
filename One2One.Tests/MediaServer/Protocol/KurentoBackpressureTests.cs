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

        // A socket that takes over the session, reads the reply, and then never reads again.
        using var stalled = new ClientWebSocket();
        await stalled.ConnectAsync(server.Uri, CancellationToken.None);
        await stalled.SendAsync(Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":0,"method":"connect","params":{"sessionId":"{{sessionId}}"} }"""), WebSocketMessageType.Text, true, CancellationToken.None);
        using (var timeout = new CancellationTokenSource(KurentoTestClient.Timeout))
        {
            var reply = await stalled.ReceiveAsync(new byte[4096], timeout.Token);
            reply.EndOfMessage.Should().BeTrue();
        }

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
}
