using Microsoft.Playwright;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Sdp;
using One2One.Tests.Support.Browser;

namespace One2One.Tests.MediaServer.Rtc.Sdp;

/// <summary>
/// The real judge of an answer: Chromium's setRemoteDescription. Uses the system Chromium (see
/// /work/shared/reference/browser-testing.md); run inside a loopback-only network namespace.
/// </summary>
[Trait("Category", "Browser")]
public class ChromiumAcceptsAnswerTests
{
    [Fact]
    public async Task Chromium_offer_parses_and_Chromium_accepts_our_answer()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        // getUserMedia needs a secure context; http://localhost is one, served here without any network.
        await page.RouteAsync("http://localhost/**", route => route.FulfillAsync(new() { Body = "<html><body></body></html>", ContentType = "text/html" }));
        await page.GotoAsync("http://localhost/");
        var offer = await page.EvaluateAsync<string>("""
            async () => {
              window.pc = new RTCPeerConnection();
              const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
              stream.getTracks().forEach(track => pc.addTrack(track, stream));
              pc.createDataChannel('data');
              await pc.setLocalDescription(await pc.createOffer());
              return pc.localDescription.sdp;
            }
            """);
        var local = new LocalTransportParameters("LoCa1ufrag", "LocalPasswordOf24Chars12", DtlsCertificate.Shared.Fingerprint,
            new LocalStreamIdentity(1111, "relay-cname", "relay-stream", "relay-audio"),
            new LocalStreamIdentity(2222, "relay-cname", "relay-stream", "relay-video"));

        var answer = SdpAnswerBuilder.Build(SessionDescription.Parse(offer), local, new SdpAnswerOptions { AllowH264 = true });
        var outcome = await page.EvaluateAsync<string>("""
            async sdp => {
              await pc.setRemoteDescription({ type: 'answer', sdp });
              const transceivers = pc.getTransceivers().map(t => t.mid + ':' + t.currentDirection + ':' + t.receiver.track.kind);
              const codecs = pc.getTransceivers()[1].sender.getParameters().codecs.map(c => c.mimeType);
              return transceivers.join(',') + '|' + pc.signalingState + '|' + (pc.sctp === null ? 'no-sctp' : 'sctp') + '|' + codecs.join(',');
            }
            """, answer.Sdp);

        outcome.Should().Be("0:sendrecv:audio,1:sendrecv:video|stable|no-sctp|video/VP8,video/H264");
    }
}
