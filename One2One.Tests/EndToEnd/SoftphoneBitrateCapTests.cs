using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// MediaServer:MaxVideoBitrate on the embedded media server: the answer carries the cap and relayed REMBs never exceed
/// it, so a real Chromium's outgoing video (getStats outbound-rtp) stays under it. Without the cap the fake camera's
/// 640×480 is sent at about 400–500 kbit/s on loopback.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneBitrateCapTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const long Cap = 150_000;

    // Bytes of video sent so far and the stats' clock (ms), from the outbound-rtp video report (W3C webrtc-stats §8.4).
    private const string VideoSentScript = """
        async () => {
          const pc = window.one2one.peerConnection();
          let sent = { bytes: 0, at: 0 };
          (await pc.getStats()).forEach(s => { if (s.type === 'outbound-rtp' && s.kind === 'video') sent = { bytes: s.bytesSent, at: s.timestamp }; });
          return [sent.bytes, sent.at];
        }
        """;

    [Fact]
    public async Task With_MaxVideoBitrate_the_callers_outgoing_video_stays_under_the_cap()
    {
        await using var scene = CallScene.Start(browser, output, "bitrate-cap", configure: server => server.WithSetting("MediaServer:MaxVideoBitrate", Cap.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await scene.EstablishCallAsync(alice, bob);
        (await alice.Page.EvaluateAsync<string>("() => window.one2one.peerConnection().remoteDescription.sdp"))
            .Should().Contain($"b=TIAS:{Cap}", "the media server's answer carries the cap");

        // Let the sender's estimate settle, then measure over five seconds.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var before = await alice.Page.EvaluateAsync<double[]>(VideoSentScript);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var after = await alice.Page.EvaluateAsync<double[]>(VideoSentScript);

        var bitsPerSecond = (after[0] - before[0]) * 8 / ((after[1] - before[1]) / 1000);
        output.WriteLine($"Alice's outgoing video: {bitsPerSecond / 1000:0} kbit/s with a cap of {Cap / 1000} kbit/s");
        bitsPerSecond.Should().BeGreaterThan(10_000, "video still flows");
        bitsPerSecond.Should().BeLessThanOrEqualTo(Cap * 1.1, "the sender keeps under MediaServer:MaxVideoBitrate (10 % for a rate measured over 5 s)");
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
    }
}
