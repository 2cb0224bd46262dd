using System.Net;
using System.Net.WebSockets;
using System.Text;
using One2One.Tests.MediaServer.Support;

namespace One2One.Tests.MediaServer.Hosting;

/// <summary>
/// The control WebSocket refuses browser pages: a request with an <c>Origin</c> header is 403 unless the origin is in
/// MediaServer:AllowedOrigins. Kurento clients send no Origin (every other test connects without one).
/// </summary>
public sealed class KurentoOriginTests
{
    [Fact]
    public async Task An_upgrade_from_a_browser_page_is_refused_with_403_and_a_body_that_says_why()
    {
        await using var server = await KurentoTestServer.StartAsync();
        using var http = new HttpClient { Timeout = KurentoTestClient.Timeout };
        using var request = UpgradeRequest(server.Uri, "https://evil.example");

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        body.Should().Contain("Origin").And.Contain("MediaServer:AllowedOrigins");
        server.Diagnostics.GetCounts().Should().BeEquivalentTo(new { Sessions = 0, Connections = 0 });
    }

    [Fact]
    public async Task A_WebSocket_client_that_sends_an_Origin_cannot_connect()
    {
        await using var server = await KurentoTestServer.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "http://127.0.0.1:8080");
        socket.Options.CollectHttpResponseDetails = true;

        var connect = () => socket.ConnectAsync(server.Uri, CancellationToken.None);

        await connect.Should().ThrowAsync<WebSocketException>();
        socket.HttpStatusCode.Should().Be(HttpStatusCode.Forbidden, "a page served from loopback is a browser page too");
    }

    [Fact]
    public async Task An_origin_listed_in_AllowedOrigins_connects_and_any_other_is_still_refused()
    {
        await using var server = await KurentoTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["MediaServer:AllowedOrigins:0"] = "https://App.Example.org/",
        });
        using var allowed = new ClientWebSocket();
        allowed.Options.SetRequestHeader("Origin", "https://app.example.org");
        using var lookalike = new ClientWebSocket();
        lookalike.Options.SetRequestHeader("Origin", "https://app.example.org.evil.example");
        lookalike.Options.CollectHttpResponseDetails = true;

        await allowed.ConnectAsync(server.Uri, CancellationToken.None);
        await allowed.SendAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":0,"method":"ping"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(KurentoTestClient.Timeout);
        var received = await allowed.ReceiveAsync(buffer, timeout.Token);
        var refused = () => lookalike.ConnectAsync(server.Uri, CancellationToken.None);

        Encoding.UTF8.GetString(buffer, 0, received.Count).Should().Contain("pong");
        await refused.Should().ThrowAsync<WebSocketException>();
        lookalike.HttpStatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    private static HttpRequestMessage UpgradeRequest(Uri controlUri, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(controlUri) { Scheme = "http" }.Uri);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.ParseAdd("websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        request.Headers.Add("Origin", origin);
        return request;
    }
}
