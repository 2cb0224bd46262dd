using Microsoft.Playwright;
using One2One.Kurento;
using One2One.Tests.Support.Browser;

namespace One2One.Tests.MediaServer.Browser;

/// <summary>
/// Two pages, Alice and Bob, each negotiated with its own WebRtcEndpoint of one pipeline, the endpoints connected both
/// ways: a one-to-one call as an application server sets it up.
/// </summary>
internal sealed class BackToBackCall : IAsyncDisposable
{
    private BackToBackCall(MediaPipeline pipeline, EndpointPeer alice, EndpointPeer bob)
    {
        Pipeline = pipeline;
        Alice = alice;
        Bob = bob;
    }

    public MediaPipeline Pipeline { get; }

    public EndpointPeer Alice { get; }

    public EndpointPeer Bob { get; }

    /// <summary>Creates, connects and negotiates; returns once both offers are answered and candidates flow.</summary>
    public static async Task<BackToBackCall> StartAsync(KurentoClient kurento, IBrowser browser)
    {
        var pipeline = await kurento.CreateMediaPipelineAsync();
        var aliceEndpoint = await pipeline.CreateWebRtcEndpointAsync();
        var bobEndpoint = await pipeline.CreateWebRtcEndpointAsync();
        var alice = await EndpointPeer.AttachAsync(await PeerPage.OpenAsync(browser), aliceEndpoint);
        var bob = await EndpointPeer.AttachAsync(await PeerPage.OpenAsync(browser), bobEndpoint);
        await aliceEndpoint.ConnectAsync(bobEndpoint);
        await bobEndpoint.ConnectAsync(aliceEndpoint);
        await Task.WhenAll(alice.NegotiateAsync(), bob.NegotiateAsync());
        return new BackToBackCall(pipeline, alice, bob);
    }

    public Task ShouldReceiveAudioAndVideoBothWaysAsync() => Task.WhenAll(
        MediaExpectations.ShouldReceiveAudioAndVideoAsync(Alice.Page.MediaAsync, "Alice"),
        MediaExpectations.ShouldReceiveAudioAndVideoAsync(Bob.Page.MediaAsync, "Bob"));

    public async ValueTask DisposeAsync()
    {
        await Alice.DisposeAsync();
        await Bob.DisposeAsync();
    }
}
