using Microsoft.Extensions.DependencyInjection;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Hosting;
using One2One.MediaServer.Relay;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using One2One.Tests.Support.Network;
using Xunit.Abstractions;

namespace One2One.Tests.MediaServer.Browser;

/// <summary>
/// Chromium behind a firewall that drops UDP: an nftables rule in the test's network namespace drops every datagram to
/// the media server's UDP port, so the UDP candidates the server offers fail their checks and the pages connect to its
/// passive ICE-TCP candidates instead, with the same DTLS-SRTP and relay behind them.
/// </summary>
[Trait("Category", "Browser")]
public sealed class IceTcpBrowserTests(BrowserFixture browser, ITestOutputHelper output) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly EmbeddedMediaServer _media = new();

    public Task InitializeAsync() => _media.StartAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _media.DisposeAsync();

    [Fact]
    public async Task With_udp_blocked_two_pages_connect_over_ice_tcp_and_receive_each_others_audio_and_video()
    {
        var ports = ((WebRtcSessionFactory)_media.Services.GetRequiredService<IWebRtcSessionFactory>()).Ports;
        using var block = PortBlock.UdpToPort(ports.Udp.Port);
        await using var kurento = KurentoClients.For(_media.ControlUri);

        await using var call = await BackToBackCall.StartAsync(kurento, browser.Browser);

        await call.ShouldReceiveAudioAndVideoBothWaysAsync();
        foreach (var (page, who) in new[] { (call.Alice.Page, "Alice"), (call.Bob.Page, "Bob") })
        {
            var pair = await page.SelectedPairAsync();
            output.WriteLine($"{who}: {pair}");
            pair.Should().NotBeNull();
            pair!.LocalProtocol.Should().Be("tcp", $"{who}'s page cannot use UDP");
            pair.RemoteProtocol.Should().Be("tcp");
            pair.RemotePort.Should().Be(ports.Tcp!.Port, "the server's passive ICE-TCP candidate");
        }

        ports.Udp.Counters.TotalDropped.Should().Be(0, "no datagram reached the UDP port at all");
        await call.Pipeline.ReleaseAsync();
        await Eventually.TrueAsync(() => _media.Diagnostics.GetCounts() is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 }, "release leaves nothing behind");
        await Eventually.TrueAsync(() => ports.Tcp!.ConnectionCount == 0, "the pages' TCP connections are closed with their endpoints");
    }
}
