using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using One2One.Tests.Support.Network;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// Camera and microphone choice (camera-select, microphone-select) and screen sharing (share-screen) in the middle of a
/// real call: the new track goes onto the existing sender (replaceTrack), so no new offer is made, and the peer keeps
/// receiving. Alice's Chromium has three fake cameras, of which the second is a depth camera (16-bit grey frames that
/// no video encoder takes), so the switch goes to the third; her screen capture is Chromium's fake one, picked without a
/// prompt.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneDevicesTests(BrowserFixture browser, ITestOutputHelper output)
{
    // Counts the page's offers from here on (every RTCPeerConnection's createOffer).
    private const string CountOffersScript = """
        () => {
          window.__offers = 0;
          const original = RTCPeerConnection.prototype.createOffer;
          RTCPeerConnection.prototype.createOffer = function (...args) { window.__offers++; return original.apply(this, args); };
        }
        """;

    private const string SenderScript = """
        kind => {
          const pc = window.one2one.peerConnection();
          const track = pc.getSenders().find(s => s.track && s.track.kind === kind).track;
          return { id: track.id, label: track.label, offers: window.__offers, signalingState: pc.signalingState, settingsDevice: track.getSettings().deviceId ?? '' };
        }
        """;

    [Fact]
    public async Task Mid_call_Alice_switches_camera_and_microphone_and_shares_her_screen_and_back_without_a_new_offer()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var cameras = await LaunchWithCamerasAsync(playwright);
        await using var scene = CallScene.Start(browser, output, "devices");
        var (alice, bob) = await InCallAsync(scene, cameras);

        var (other, switched) = await SwitchCameraAsync(scene, alice, bob);

        var microphone = await SenderAsync(alice, "audio");
        var otherMicrophone = await OtherOptionAsync(alice.TestId("microphone-select"), microphone.SettingsDevice);
        await alice.TestId("microphone-select").SelectOptionAsync(otherMicrophone);
        var newMicrophone = await Eventually.ReturnsAsync(() => SenderAsync(alice, "audio"), s => s.Id != microphone.Id);
        newMicrophone.Offers.Should().Be(1, "replaceTrack needs no new offer");

        await alice.TestId("share-screen").ClickAsync();

        await Expect(alice.TestId("share-screen")).ToHaveAttributeAsync("aria-pressed", "true", new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        var screen = await Eventually.ReturnsAsync(() => SenderAsync(alice, "video"), s => s.Id != switched.Id);
        output.WriteLine($"camera track '{switched.Label}', screen track '{screen.Label}'");
        screen.Label.Should().NotBe(switched.Label, "the screen is sent in place of the camera");
        screen.Offers.Should().Be(1);
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await scene.ScreenshotAsync("sharing");

        await alice.TestId("share-screen").ClickAsync();

        await Expect(alice.TestId("share-screen")).ToHaveAttributeAsync("aria-pressed", "false", new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        var back = await Eventually.ReturnsAsync(() => SenderAsync(alice, "video"), s => s.Id != screen.Id);
        back.SettingsDevice.Should().Be(other, "back to the camera chosen before sharing");
        back.Offers.Should().Be(1);
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
    }

    [Fact]
    public async Task After_a_camera_switch_a_media_reconnect_sends_the_chosen_camera_on_the_new_connection()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var cameras = await LaunchWithCamerasAsync(playwright);
        await using var scene = CallScene.Start(browser, output, "devices-reconnect");
        var (alice, bob) = await InCallAsync(scene, cameras);
        var (other, switched) = await SwitchCameraAsync(scene, alice, bob);
        var pair = await alice.SelectedCandidatePairAsync() ?? throw new InvalidOperationException("Alice's page has no selected candidate pair.");
        await alice.Page.EvaluateAsync("() => { window.__before = window.one2one.peerConnection(); }");
        var bobKeyframes = await bob.Page.EvaluateAsync<long>(KeyframesDecodedScript);

        // Alice's connection goes dead (nothing it sends arrives any more), so her page reconnects on a new one.
        using (PortBlock.UdpFromPort(pair.LocalPort))
        {
            await Eventually.ReturnsAsync(() => alice.Page.EvaluateAsync<bool>("() => window.one2one.peerConnection() !== window.__before"), replaced => replaced);
        }

        // How soon each page decodes a keyframe once Alice's new path is up (the media server asks for one): printed, not asserted.
        await Eventually.ReturnsAsync(() => alice.Page.EvaluateAsync<string>("() => window.one2one.peerConnection().iceConnectionState"), s => s is "connected" or "completed");
        var clock = Stopwatch.StartNew();
        await Eventually.ReturnsAsync(() => bob.Page.EvaluateAsync<long>(KeyframesDecodedScript), k => k > bobKeyframes);
        var atBob = clock.Elapsed;
        await Eventually.ReturnsAsync(() => alice.Page.EvaluateAsync<long>(KeyframesDecodedScript), k => k > 0);
        output.WriteLine($"a keyframe decoded {atBob.TotalMilliseconds:0} ms (bob) and {clock.Elapsed.TotalMilliseconds:0} ms (alice, new connection) after alice's new path connected");

        var sent = await SenderAsync(alice, "video");
        sent.Id.Should().Be(switched.Id, "the new connection sends the camera track the old one sent after the switch");
        sent.SettingsDevice.Should().Be(other, "the chosen camera, not the default one");
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await scene.ShouldHoldOneCallAsync();
    }

    private const string KeyframesDecodedScript = """
        async () => {
          let frames = 0;
          (await window.one2one.peerConnection().getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames = s.keyFramesDecoded ?? 0; });
          return frames;
        }
        """;

    private static Task<IBrowser> LaunchWithCamerasAsync(IPlaywright playwright) =>
        Chromium.LaunchAsync(playwright, extraArguments:
            ["--use-fake-device-for-media-stream=device-count=3", "--auto-select-desktop-capture-source=Entire screen", "--enable-usermedia-screen-capturing"]);

    /// <summary>Alice (on <paramref name="cameras"/>) in a call with Bob, her page counting its offers.</summary>
    private static async Task<(SoftphonePage Alice, SoftphonePage Bob)> InCallAsync(CallScene scene, IBrowser cameras)
    {
        var alice = await scene.OpenAsync("alice", browser: cameras);
        await alice.RegisterAsync();
        var bob = await scene.RegisteredAsync("bob");
        await alice.Page.EvaluateAsync(CountOffersScript);
        await scene.EstablishCallAsync(alice, bob);
        return (alice, bob);
    }

    /// <summary>Alice picks the colour camera mid-call: the sender's new track, no new offer, and Bob sees it.</summary>
    private static async Task<(string Camera, SenderReport Sender)> SwitchCameraAsync(CallScene scene, SoftphonePage alice, SoftphonePage bob)
    {
        var camera = await SenderAsync(alice, "video");
        camera.Offers.Should().Be(1, "the call made one offer");
        var options = alice.TestId("camera-select").Locator("option");
        await Expect(options).ToHaveCountAsync(3, new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        var other = await OptionValueAsync(alice.TestId("camera-select"), ColourCameraLabel);
        other.Should().NotBe(camera.SettingsDevice, "the call starts on the default camera");

        await alice.TestId("camera-select").SelectOptionAsync(other);

        var switched = await Eventually.ReturnsAsync(() => SenderAsync(alice, "video"), s => s.Id != camera.Id);
        switched.SettingsDevice.Should().Be(other, "the sender now sends the chosen camera");
        switched.Offers.Should().Be(1, "replaceTrack needs no new offer");
        switched.SignalingState.Should().Be("stable");
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        return (other, switched);
    }

    private static async Task<SenderReport> SenderAsync(SoftphonePage page, string kind) =>
        (await page.Page.EvaluateAsync<JsonElement>(SenderScript, kind))
        .Deserialize<SenderReport>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    // Chromium's fake cameras: fake_device_0 is I420, fake_device_1 a Y16 depth camera, fake_device_2 MJPEG.
    private const string ColourCameraLabel = "fake_device_2";

    private static async Task<string> OptionValueAsync(ILocator select, string label) =>
        await select.Locator("option", new() { HasText = label }).GetAttributeAsync("value") ?? throw new InvalidOperationException($"No option '{label}'.");

    private static async Task<string> OtherOptionAsync(ILocator select, string current)
    {
        var values = await select.Locator("option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        return values.First(v => v.Length > 0 && v != current);
    }

    private sealed record SenderReport(string Id, string Label, int Offers, string SignalingState, string SettingsDevice);
}
