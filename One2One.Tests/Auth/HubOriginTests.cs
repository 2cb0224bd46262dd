using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using One2One.Server.Contracts;
using One2One.Tests.Support;

namespace One2One.Tests.Auth;

/// <summary>
/// Which pages may open a hub connection: a browser lets any site open a WebSocket to any server, naming itself in
/// <c>Origin</c>, so without a check any site a person visits could register and call from their browser (cross-site
/// WebSocket hijacking). The real server over Kestrel, WebSockets opened by hand with the Origin a browser would send.
/// </summary>
public sealed class HubOriginTests : IAsyncLifetime
{
    private const string AllowedApp = "https://app.example.org";
    private readonly One2OneServerFactory _server = new One2OneServerFactory().WithSetting("Hub:AllowedOrigins:0", AllowedApp);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://127.0.0.1.evil.example")]
    [InlineData("https://app.example.org:8443")]
    [InlineData("null")]
    public async Task A_page_of_another_site_can_neither_open_the_hubs_WebSocket_nor_negotiate(string origin)
    {
        using var rejected = new MetricCollector<long>(_server.Services.GetRequiredService<IMeterFactory>(), "One2One", "one2one.hub.rejected");
        var (status, _) = await OpenAsync(origin);
        status.Should().Be(HttpStatusCode.Forbidden, "a page of {0} must not act from its visitor's browser", origin);

        using var http = new HttpClient { BaseAddress = _server.BaseAddress };
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "one2one/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Origin", origin);
        using var refused = await http.SendAsync(negotiate);
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).Should().StartWith("forbidden: ").And.Contain("Hub:AllowedOrigins");
        refused.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
        rejected.GetMeasurementSnapshot().Should().HaveCount(2).And.OnlyContain(m => (string?)m.Tags["reason"] == "forbidden",
            "each refusal is counted with the hub's refusals: an operator sees a misconfigured app or a probing site");
    }

    [Fact]
    public async Task The_servers_own_pages_an_allowed_origin_a_proxied_page_and_a_client_without_Origin_connect_and_register()
    {
        var own = _server.BaseAddress.GetLeftPart(UriPartial.Authority);
        (await RegisterOverWebSocketAsync(own, "alice")).Should().Be(Responses.Accepted, "a page this server serves");
        (await RegisterOverWebSocketAsync(AllowedApp, "bob")).Should().Be(Responses.Accepted, "an app listed in Hub:AllowedOrigins");
        (await RegisterOverWebSocketAsync("https://calls.example.org", "carol", forwardedHost: "calls.example.org"))
            .Should().Be(Responses.Accepted, "a page served through a proxy asked for calls.example.org");
        await using var app = await SignalingClient.RegisteredAsync(_server.HubUri, "dave");
        app.ResumeToken.Should().NotBeNull("a client outside a browser sends no Origin and connects as before");

        using var http = new HttpClient { BaseAddress = _server.BaseAddress };
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "one2one/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Origin", AllowedApp);
        using var allowed = await http.SendAsync(negotiate);
        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
        allowed.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(AllowedApp);
        allowed.Headers.GetValues("Access-Control-Allow-Credentials").Should().ContainSingle().Which.Should().Be("true", "SignalR's browser client negotiates with credentials");
    }

    [Theory]
    [InlineData("https://calls.example.org", "calls.example.org", null, true)]
    [InlineData("https://calls.example.org:8443", "calls.example.org", null, true)] // a proxy passing $host drops the port
    [InlineData("https://calls.example.org:8443", "calls.example.org:8444", null, false)]
    [InlineData("http://calls.example.org:5000", "CALLS.example.org:5000", null, true)]
    [InlineData("http://[::1]:5000", "[::1]:5000", null, true)]
    [InlineData("https://b.example", "10.0.0.7:5001", "a.example, b.example", true)]
    [InlineData("https://evil.example", "10.0.0.7:5001", "calls.example.org", false)]
    [InlineData("https://calls.example.org.evil.example", "calls.example.org", null, false)]
    [InlineData("https://APP.example.org", "10.0.0.7:5001", null, true)] // listed, whatever the case
    [InlineData("capacitor://localhost", "10.0.0.7:5001", null, true)] // listed, an app's own scheme
    [InlineData("null", "calls.example.org", null, false)]
    [InlineData("file:///home/page.html", "calls.example.org", null, false)]
    public void An_origin_is_the_servers_own_by_its_Host_or_a_proxys_X_Forwarded_Host_or_listed(string origin, string host, string? forwardedHost, bool allowed)
    {
        var request = new Microsoft.AspNetCore.Http.DefaultHttpContext().Request;
        request.Host = new Microsoft.AspNetCore.Http.HostString(host);
        if (forwardedHost is not null)
        {
            request.Headers["X-Forwarded-Host"] = forwardedHost;
        }

        var listed = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { AllowedApp, "capacitor://localhost" };
        Server.Signaling.HubOrigins.IsAllowed(origin, request, listed).Should().Be(allowed);
    }

    [Fact]
    public async Task An_origin_that_is_not_an_origin_stops_the_server_at_start_up()
    {
        await using var server = new One2OneServerFactory().WithSetting("Hub:AllowedOrigins:0", "https://app.example.org/path");

        var start = () => server.HubUri;

        start.Should().Throw<Exception>().Which.ToString().Should().Contain("Hub:AllowedOrigins: 'https://app.example.org/path' is not an origin");
    }

    /// <summary>Opens the hub's WebSocket (no negotiation) as a page of <paramref name="origin"/>; the socket when it opened.</summary>
    private async Task<(HttpStatusCode Status, ClientWebSocket? Socket)> OpenAsync(string origin, string? forwardedHost = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        if (forwardedHost is not null)
        {
            socket.Options.SetRequestHeader("X-Forwarded-Host", forwardedHost);
        }

        using var timeout = new CancellationTokenSource(SignalingClient.DefaultWait);
        try
        {
            await socket.ConnectAsync(ClientSource.WebSocketUri(_server.HubUri), timeout.Token);
            return (socket.HttpStatusCode, socket);
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (status, null);
        }
    }

    /// <summary>Registers <paramref name="name"/> over a hand-made WebSocket of a page of <paramref name="origin"/>; the answer.</summary>
    private async Task<string?> RegisterOverWebSocketAsync(string origin, string name, string? forwardedHost = null)
    {
        var (status, opened) = await OpenAsync(origin, forwardedHost);
        status.Should().Be(HttpStatusCode.SwitchingProtocols, "a page of {0} may connect", origin);
        using var socket = opened!;
        using var timeout = new CancellationTokenSource(SignalingClient.DefaultWait);
        await SendAsync(socket, "{\"protocol\":\"json\",\"version\":1}\u001e", timeout.Token);
        await SendAsync(socket, "{\"type\":1,\"target\":\"Register\",\"arguments\":[\"" + name + "\"]}\u001e", timeout.Token);
        var received = new StringBuilder();
        var buffer = new byte[16 * 1024];
        while (!received.ToString().Contains("\"target\":\"RegisterResponse\"", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, timeout.Token);
            received.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
        }

        var record = received.ToString().Split('\u001e').First(r => r.Contains("\"target\":\"RegisterResponse\"", StringComparison.Ordinal));
        using var json = System.Text.Json.JsonDocument.Parse(record);
        return json.RootElement.GetProperty("arguments")[0].GetProperty("response").GetString();
    }

    private static Task SendAsync(ClientWebSocket socket, string text, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
}
