using Microsoft.Playwright;
using One2One.Tests.Support.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// In a real call: the quality box (call-stats) fills from getStats() each second, and the call timer runs, from when the
/// call first connected even after a reload.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneCallQualityTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task In_a_call_the_page_shows_round_trip_bitrates_loss_resolution_frame_rate_a_grade_and_a_running_timer()
    {
        await using var scene = CallScene.Start(browser, output, "call-stats");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await Expect(alice.TestId("call-stats")).ToBeHiddenAsync();
        await scene.EstablishCallAsync(alice, bob);
        var stats = alice.TestId("call-stats");
        var wait = new LocatorAssertionsToHaveTextOptions { Timeout = SoftphoneFeatureControls.WaitLimit };

        await Expect(stats).ToBeVisibleAsync();
        await Expect(stats).ToHaveAttributeAsync("data-quality", new System.Text.RegularExpressions.Regex("^(good|fair|poor)$"));
        await Expect(stats.Locator("[data-stat=rtt]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ ms$"), wait);
        await Expect(stats.Locator("[data-stat=bitrate-in]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[1-9]\d* kbit/s$"), wait);
        await Expect(stats.Locator("[data-stat=bitrate-out]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[1-9]\d* kbit/s$"), wait);
        await Expect(stats.Locator("[data-stat=loss]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d %$"), wait);
        await Expect(stats.Locator("[data-stat=resolution]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+×\d+$"), wait);
        await Expect(stats.Locator("[data-stat=fps]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ fps$"), wait);
        await Expect(alice.TestId("call-timer")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(0:0[2-9]|0:[1-5]\d|[1-9]\d*:\d\d)$"), wait); // running, 2 s or more
        await scene.ScreenshotAsync("stats");

        await alice.HangUpAsync();

        await Expect(stats).ToBeHiddenAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await Expect(alice.TestId("call-timer")).ToBeHiddenAsync();
        await Expect(bob.TestId("call-stats")).ToBeHiddenAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
    }

    [Fact]
    public async Task After_Bob_reloads_his_page_mid_call_his_call_timer_goes_on_from_when_the_call_connected()
    {
        await using var scene = CallScene.Start(browser, output, "timer-after-reload");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await scene.EstablishCallAsync(alice, bob);
        var wait = new LocatorAssertionsToHaveTextOptions { Timeout = SoftphoneFeatureControls.WaitLimit };
        await Expect(bob.TestId("call-timer")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(0:0[4-9]|0:[1-5]\d|[1-9]\d*:\d\d)$"), wait);

        await bob.Page.ReloadAsync();
        await bob.ShouldBeAsync("in-call");

        // Read at once: a timer started afresh by the resumed call would show 0:00 or 0:01 here.
        var shown = await bob.TestId("call-timer").TextContentAsync();
        Seconds(shown).Should().BeGreaterThanOrEqualTo(4, "the reloaded page's timer counts from when the call connected, not from the resume");
        await scene.ScreenshotAsync("bob-reloaded");
        await bob.HangUpAsync();
        await alice.ShouldBeAsync("registered");
    }

    private static int Seconds(string? timer)
    {
        var parts = (timer ?? "").Split(':');
        parts.Should().HaveCountGreaterThanOrEqualTo(2, $"the timer shows m:ss, not \"{timer}\"");
        return parts.Aggregate(0, (total, part) => (total * 60) + int.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
    }
}
