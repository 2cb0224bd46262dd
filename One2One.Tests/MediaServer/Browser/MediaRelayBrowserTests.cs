using One2One.MediaServer.Hosting;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;

namespace One2One.Tests.MediaServer.Browser;

/// <summary>
/// The embedded media server with real Chromium pages (fake camera and microphone): media really relayed,
/// decrypted and re-encrypted, and nothing left behind afterwards.
/// </summary>
[Trait("Category", "Browser")]
public sealed class MediaRelayBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly EmbeddedMediaServer _media = new();

    public Task InitializeAsync() => _media.StartAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _media.DisposeAsync();

    [Fact]
    public async Task Loopback_a_page_receives_its_own_audio_and_video_back()
    {
        await using var kurento = KurentoClients.For(_media.ControlUri);
        var pipeline = await kurento.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        await endpoint.ConnectAsync(endpoint);
        await using var peer = await EndpointPeer.AttachAsync(await PeerPage.OpenAsync(browser.Browser), endpoint);

        await peer.NegotiateAsync();

        await MediaExpectations.ShouldReceiveAudioAndVideoAsync(peer.Page.MediaAsync, "the loopback page");
        await pipeline.ReleaseAsync();
        await Eventually.TrueAsync(() => _media.Diagnostics.GetCounts() is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 }, "release leaves nothing behind");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_new_connection_of_the_page_offers_again_and_its_media_flows_through_the_same_endpoint(bool sameCertificate)
    {
        // A reloaded or reconnecting page offers from a new RTCPeerConnection; the endpoint takes it as an ICE restart and,
        // for the connection's new DTLS client, a new handshake: also when the app gives every connection one certificate
        // (RTCConfiguration.certificates), so the offer's fingerprint is the old one.
        await using var kurento = KurentoClients.For(_media.ControlUri);
        var pipeline = await kurento.CreateMediaPipelineAsync();
        var endpoint = await pipeline.CreateWebRtcEndpointAsync();
        await endpoint.ConnectAsync(endpoint);
        await using var peer = await EndpointPeer.AttachAsync(await PeerPage.OpenAsync(browser.Browser), endpoint);
        await peer.NegotiateAsync(sameCertificate);
        await MediaExpectations.ShouldReceiveAudioAndVideoAsync(peer.Page.MediaAsync, "the page's first connection");

        await peer.NegotiateAsync(sameCertificate);

        await MediaExpectations.ShouldReceiveAudioAndVideoAsync(peer.Page.MediaAsync, "the page's second connection");
        await pipeline.ReleaseAsync();
    }

    [Fact]
    public async Task Back_to_back_each_page_receives_the_others_audio_and_video()
    {
        await using var kurento = KurentoClients.For(_media.ControlUri);
        var pipeline = await kurento.CreateMediaPipelineAsync();
        var aliceEndpoint = await pipeline.CreateWebRtcEndpointAsync();
        var bobEndpoint = await pipeline.CreateWebRtcEndpointAsync();
        await using var alice = await EndpointPeer.AttachAsync(await PeerPage.OpenAsync(browser.Browser), aliceEndpoint);
        await using var bob = await EndpointPeer.AttachAsync(await PeerPage.OpenAsync(browser.Browser), bobEndpoint);
        await aliceEndpoint.ConnectAsync(bobEndpoint);
        await bobEndpoint.ConnectAsync(aliceEndpoint);

        await Task.WhenAll(alice.NegotiateAsync(), bob.NegotiateAsync());

        await Task.WhenAll(
            MediaExpectations.ShouldReceiveAudioAndVideoAsync(alice.Page.MediaAsync, "Alice"),
            MediaExpectations.ShouldReceiveAudioAndVideoAsync(bob.Page.MediaAsync, "Bob"));
        var counts = _media.Diagnostics.GetCounts();
        counts.Pipelines.Should().Be(1);
        counts.Endpoints.Should().Be(2);
        counts.OpenSockets.Should().Be(2);

        await pipeline.ReleaseAsync();

        await Eventually.TrueAsync(() => _media.Diagnostics.GetCounts() is { Pipelines: 0, Endpoints: 0, OpenSockets: 0 }, "release leaves nothing behind");
        (await kurento.GetPipelineIdsAsync()).Should().BeEmpty();
    }
}
