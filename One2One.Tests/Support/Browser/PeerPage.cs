using System.Text.Json;
using Microsoft.Playwright;

namespace One2One.Tests.Support.Browser;

/// <summary>
/// A bare page with one RTCPeerConnection sending the fake camera and microphone, for testing the media server
/// without the One2One app. The test does the signaling: it carries the offer, answer and candidates.
/// </summary>
public sealed class PeerPage : IAsyncDisposable
{
    private const string Harness = """
        <!doctype html><html><body>
        <video id="remote" autoplay playsinline muted></video>
        <script>
        window.peer = {
          pc: null, candidates: [], certificate: null,
          // A new connection each time (the previous one closed), as a reloaded or reconnecting page makes; with
          // sameCertificate, every connection uses one certificate, as an app that passes RTCConfiguration.certificates does.
          async offer(sameCertificate) {
            this.pc?.close();
            const certificates = sameCertificate
              ? [this.certificate ??= await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' })]
              : undefined;
            const pc = this.pc = new RTCPeerConnection(certificates ? { certificates } : {});
            const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
            for (const track of stream.getTracks()) pc.addTrack(track, stream);
            pc.onicecandidate = e => { if (e.candidate && e.candidate.candidate) this.candidates.push(e.candidate.toJSON()); };
            pc.ontrack = e => {
              const video = document.getElementById('remote');
              const remote = e.streams[0] ?? (video.srcObject ?? new MediaStream());
              if (!e.streams[0]) remote.addTrack(e.track);
              video.srcObject = remote;
            };
            await pc.setLocalDescription(await pc.createOffer());
            return pc.localDescription.sdp;
          },
          async answer(sdp) { await this.pc.setRemoteDescription({ type: 'answer', sdp }); },
          async addCandidate(c) { await this.pc.addIceCandidate(c); },
          takeCandidates() { const c = this.candidates; this.candidates = []; return c; },
          async media() {
            const stats = await this.pc.getStats();
            let framesDecoded = 0, videoPackets = 0, audioPackets = 0, codecs = [];
            stats.forEach(s => {
              if (s.type === 'inbound-rtp' && s.kind === 'video') { framesDecoded = s.framesDecoded ?? 0; videoPackets = s.packetsReceived ?? 0; }
              if (s.type === 'inbound-rtp' && s.kind === 'audio') { audioPackets = s.packetsReceived ?? 0; }
            });
            return { framesDecoded, videoPackets, audioPackets, videoWidth: document.getElementById('remote').videoWidth,
                     connectionState: this.pc.connectionState, iceConnectionState: this.pc.iceConnectionState };
          },
          async selectedPair() {
            const stats = await this.pc.getStats();
            let pair = null;
            stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
            if (!pair) return null;
            const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
            return { localProtocol: local.protocol, remoteProtocol: remote.protocol, remoteCandidateType: remote.candidateType,
                     remotePort: remote.port, state: pair.state };
          },
          close() { this.pc?.close(); }
        };
        </script></body></html>
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IBrowserContext _context;

    private PeerPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<PeerPage> OpenAsync(IBrowser browser)
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        // getUserMedia needs a secure context; http://localhost is one, and this page needs no server.
        await page.RouteAsync("http://localhost/**", route => route.FulfillAsync(new() { Body = Harness, ContentType = "text/html" }));
        await page.GotoAsync("http://localhost/");
        return new PeerPage(context, page);
    }

    /// <param name="sameCertificate">Every connection of the page with one DTLS certificate (else a new one each, Chromium's default).</param>
    public Task<string> CreateOfferAsync(bool sameCertificate = false) => Page.EvaluateAsync<string>("same => peer.offer(same)", sameCertificate);

    public Task AcceptAnswerAsync(string sdp) => Page.EvaluateAsync("sdp => peer.answer(sdp)", sdp);

    public Task AddCandidateAsync(string candidate, string sdpMid, int sdpMLineIndex) =>
        Page.EvaluateAsync("c => peer.addCandidate(c)", new { candidate, sdpMid, sdpMLineIndex });

    public async Task<IReadOnlyList<BrowserCandidate>> TakeCandidatesAsync()
    {
        var json = await Page.EvaluateAsync<JsonElement>("() => peer.takeCandidates()");
        return json.Deserialize<List<BrowserCandidate>>(Json) ?? [];
    }

    public async Task<MediaReport> MediaAsync() =>
        (await Page.EvaluateAsync<JsonElement>("() => peer.media()")).Deserialize<MediaReport>(Json)!;

    public Task CloseConnectionAsync() => Page.EvaluateAsync("() => peer.close()");

    /// <summary>The candidate pair the page's ICE transport selected (getStats), or null before one is.</summary>
    public async Task<SelectedCandidatePair?> SelectedPairAsync()
    {
        var json = await Page.EvaluateAsync<JsonElement?>("() => peer.selectedPair()");
        return json is { ValueKind: JsonValueKind.Object } pair ? pair.Deserialize<SelectedCandidatePair>(Json) : null;
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}

public sealed record BrowserCandidate(string Candidate, string? SdpMid, int? SdpMLineIndex);

/// <summary>The page's selected candidate pair: each side's transport protocol ("udp", "tcp"), the remote candidate's type and port.</summary>
public sealed record SelectedCandidatePair(string LocalProtocol, string RemoteProtocol, string RemoteCandidateType, int RemotePort, string State);

/// <summary>What the page receives: decoded video frames, RTP packets, the remote video's size, connection states.</summary>
public sealed record MediaReport(long FramesDecoded, long VideoPackets, long AudioPackets, int VideoWidth, string ConnectionState, string IceConnectionState);
