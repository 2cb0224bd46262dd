using System.Collections.Concurrent;
using One2One.Kurento;
using One2One.MediaServer.Hosting;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;

namespace One2One.Tests.MediaServer.Browser;

/// <summary>
/// What the endpoint reports while real Chromium connects: Chromium nominates an ICE-lite peer's pair with USE-CANDIDATE
/// on the pair it already checked, and the endpoint must take that as the nomination (CONNECTED, READY, pair selected).
/// </summary>
[Trait("Category", "Browser")]
public sealed class ChromiumIceStateBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly EmbeddedMediaServer _media = new();

    public Task InitializeAsync() => _media.StartAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _media.DisposeAsync();

    [Fact]
    public async Task Chromium_takes_the_endpoint_through_connecting_connected_ready_and_a_selected_pair()
    {
        await using var kurento = KurentoClients.For(_media.ControlUri);
        var pipeline = await kurento.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        var states = new ConcurrentQueue<IceComponentState>();
        var pairs = new ConcurrentQueue<NewCandidatePairSelected>();
        await endpoint.SubscribeAsync<IceComponentStateChanged>(e => states.Enqueue(e.State));
        await endpoint.SubscribeAsync<NewCandidatePairSelected>(pairs.Enqueue);
        await endpoint.ConnectAsync(endpoint);
        await using var peer = await EndpointPeer.AttachAsync(await PeerPage.OpenAsync(browser.Browser), endpoint);

        await peer.NegotiateAsync();

        // Chromium nominates the first pair it finds writable and moves to a better one when that becomes writable: on a
        // busy machine the TCP pair can win the race, and Chromium then nominates the UDP pair, which it prefers.
        await Eventually.TrueAsync(() => pairs.LastOrDefault() is { } last && last.LocalCandidate.Contains(" UDP ", StringComparison.Ordinal), "Chromium's nominations end on the UDP pair");
        states.Should().StartWith([IceComponentState.Gathering, IceComponentState.Connecting, IceComponentState.Connected, IceComponentState.Ready]);
        // Host when the page's candidate reached the endpoint before Chromium's nominating check, peer-reflexive when the
        // check came first (as libnice reports it too); either way the browser's own loopback address.
        pairs.Should().AllSatisfy(p => p.RemoteCandidate.Should().MatchRegex(@" 127\.0\.0\.1 \d+ typ (host|prflx)"));
        pairs.Last().RemoteCandidate.Should().MatchRegex(@"(?i) udp \d+ 127\.0\.0\.1 \d+ typ (host|prflx)");
        await pipeline.ReleaseAsync();
    }
}
