using System.Threading.Channels;
using One2One.Kurento;
using One2One.Tests.Support.Browser;

namespace One2One.Tests.MediaServer.Browser;

/// <summary>
/// A browser page negotiated with one WebRtcEndpoint through the Kurento protocol, the way an application server
/// does it: events subscribed first, offer → answer, then candidates both ways until the test ends.
/// </summary>
internal sealed class EndpointPeer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _candidatePump;

    private EndpointPeer(PeerPage page, WebRtcEndpoint endpoint, ChannelReader<KurentoIceCandidate> fromServer)
    {
        Page = page;
        Endpoint = endpoint;
        _candidatePump = PumpAsync(fromServer);
    }

    public PeerPage Page { get; }

    public WebRtcEndpoint Endpoint { get; }

    /// <summary>Subscribes to the endpoint's candidates; call <see cref="NegotiateAsync"/> once the graph is connected.</summary>
    public static async Task<EndpointPeer> AttachAsync(PeerPage page, WebRtcEndpoint endpoint)
    {
        var fromServer = Channel.CreateUnbounded<KurentoIceCandidate>();
        await endpoint.SubscribeAsync<IceCandidateFound>(e => fromServer.Writer.TryWrite(e.Candidate));
        return new EndpointPeer(page, endpoint, fromServer.Reader);
    }

    /// <summary>Offers from a new connection of the page (the previous one closed), applies the answer, gathers.</summary>
    /// <param name="sameCertificate">The page's connections share one DTLS certificate (<see cref="PeerPage.CreateOfferAsync"/>).</param>
    public async Task NegotiateAsync(bool sameCertificate = false)
    {
        var offer = await Page.CreateOfferAsync(sameCertificate);
        var answer = await Endpoint.ProcessOfferAsync(offer);
        await Page.AcceptAnswerAsync(answer);
        await Endpoint.GatherCandidatesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _candidatePump;
        await Page.DisposeAsync();
    }

    private async Task PumpAsync(ChannelReader<KurentoIceCandidate> fromServer)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                while (fromServer.TryRead(out var candidate))
                {
                    await Page.AddCandidateAsync(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex);
                }

                foreach (var candidate in await Page.TakeCandidatesAsync())
                {
                    await Endpoint.AddIceCandidateAsync(new KurentoIceCandidate(candidate.Candidate, candidate.SdpMid ?? "0", candidate.SdpMLineIndex ?? 0));
                }

                await Task.Delay(100, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or Microsoft.Playwright.PlaywrightException or KurentoException or ObjectDisposedException)
        {
            // The test is over (page closed, endpoint released).
        }
    }
}
