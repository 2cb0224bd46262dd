using One2One.Tests.Support.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// Mute microphone and camera off (mute-audio, mute-video) in real Chromium: the track stops sending and the peer's
/// page shows it (peer-muted-audio, peer-muted-video) through SetMediaState → PeerMediaState.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneMuteTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string SenderEnabledScript =
        "kind => window.one2one.peerConnection().getSenders().find(s => s.track && s.track.kind === kind).track.enabled";

    [Fact]
    public async Task Alice_mutes_her_microphone_and_turns_her_camera_off_and_Bobs_page_shows_both_until_she_undoes_them()
    {
        await using var scene = CallScene.Start(browser, output, "mute");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await scene.EstablishCallAsync(alice, bob);
        await Expect(bob.TestId("peer-muted-audio")).ToBeHiddenAsync();
        await Expect(bob.TestId("peer-muted-video")).ToBeHiddenAsync();

        await alice.TestId("mute-audio").ClickAsync();

        await Expect(alice.TestId("mute-audio")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(bob.TestId("peer-muted-audio")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await Expect(bob.TestId("peer-muted-video")).ToBeHiddenAsync();
        (await alice.Page.EvaluateAsync<bool>(SenderEnabledScript, "audio")).Should().BeFalse("a muted microphone sends silence");

        await alice.TestId("mute-video").ClickAsync();

        await Expect(bob.TestId("peer-muted-video")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        (await alice.Page.EvaluateAsync<bool>(SenderEnabledScript, "video")).Should().BeFalse("a camera turned off sends black");
        await Expect(alice.TestId("peer-muted-audio")).ToBeHiddenAsync();
        await scene.ScreenshotAsync("alice-muted");

        await alice.TestId("mute-audio").ClickAsync();
        await alice.TestId("mute-video").ClickAsync();

        await Expect(bob.TestId("peer-muted-audio")).ToBeHiddenAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await Expect(bob.TestId("peer-muted-video")).ToBeHiddenAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        (await alice.Page.EvaluateAsync<bool>(SenderEnabledScript, "audio")).Should().BeTrue();
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
    }

    [Fact]
    public async Task After_Bob_reloads_his_page_mid_call_it_still_shows_that_Alice_is_muted()
    {
        await using var scene = CallScene.Start(browser, output, "mute-then-reload");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await scene.EstablishCallAsync(alice, bob);
        await alice.TestId("mute-audio").ClickAsync();
        await Expect(bob.TestId("peer-muted-audio")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });

        // The reloaded page resumes the call knowing nothing of the peer's state; Alice's page, told Bob is back, says it again.
        await bob.Page.ReloadAsync();

        await bob.ShouldBeAsync("in-call");
        await Expect(bob.TestId("peer-muted-audio")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await Expect(bob.TestId("peer-muted-video")).ToBeHiddenAsync();
        await scene.ScreenshotAsync("bob-reloaded");
    }

    [Fact]
    public async Task After_Alice_reloads_her_page_mid_call_her_microphone_is_still_muted_and_Bobs_page_still_says_so()
    {
        await using var scene = CallScene.Start(browser, output, "muted-side-reloads");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await scene.EstablishCallAsync(alice, bob);
        await alice.TestId("mute-audio").ClickAsync();
        await Expect(bob.TestId("peer-muted-audio")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });

        await alice.Page.ReloadAsync();

        await alice.ShouldBeAsync("in-call");
        await Expect(alice.TestId("mute-audio")).ToHaveAttributeAsync("aria-pressed", "true");
        (await alice.Page.EvaluateAsync<bool>(SenderEnabledScript, "audio")).Should().BeFalse("the person muted the microphone; a reload must not turn it on");
        await Expect(bob.TestId("peer-muted-audio")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await scene.ScreenshotAsync("alice-reloaded-muted");
    }

    [Fact]
    public async Task A_microphone_muted_before_the_call_shows_on_the_peers_page_once_the_call_connects_and_is_forgotten_after_it()
    {
        await using var scene = CallScene.Start(browser, output, "mute-before-call");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);
        await alice.TestId("mute-audio").ClickAsync();
        await bob.AcceptAsync();
        await alice.ShouldBeAsync("in-call");

        await Expect(bob.TestId("peer-muted-audio")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });

        await bob.HangUpAsync();
        await bob.ShouldBeAsync("registered");
        await Expect(bob.TestId("peer-muted-audio")).ToBeHiddenAsync();
    }
}
