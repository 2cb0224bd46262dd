using System.Diagnostics;
using Microsoft.Playwright;
using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// Two (or three) people in real Chromium pages hold real calls through the One2One server and its embedded media
/// relay, using only the page's controls: they see and hear each other, and every ending leaves nothing behind.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneCallTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Alice_calls_Bob_they_see_and_hear_each_other_and_hanging_up_frees_the_media()
    {
        await using var scene = CallScene.Start(browser, output, "1-call-and-hang-up");
        var alice = await scene.OpenAsync("alice");
        var bob = await scene.OpenAsync("bob");
        await alice.ShouldBeAsync("idle", "Not registered");
        await alice.ButtonsShouldBeAsync(register: false, call: false, hangUp: false);
        await scene.ScreenshotAsync("opened");

        await alice.RegisterAsync();
        await bob.RegisterAsync();
        await alice.ButtonsShouldBeAsync(register: false, call: false, hangUp: false);
        await scene.ScreenshotAsync("registered");

        await scene.EstablishCallAsync(alice, bob);
        await alice.ShouldBeAsync("in-call", "In call with bob");
        await bob.ShouldBeAsync("in-call", "In call with alice");
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await alice.ButtonsShouldBeAsync(register: false, call: false, hangUp: true);
        await bob.ButtonsShouldBeAsync(register: false, call: false, hangUp: true);
        await scene.ShouldHoldOneCallAsync();
        await scene.ScreenshotAsync("in-call");

        await alice.HangUpAsync();

        await alice.ShouldBeAsync("registered", "Registered as alice");
        await bob.ShouldBeAsync("registered", "Registered as bob");
        await bob.ShouldSayAsync("info", "alice hung up.");
        await alice.ShouldShowNoMessageAsync();
        await alice.ButtonsShouldBeAsync(register: false, call: true, hangUp: false);
        await scene.ShouldHoldNoMediaAsync();
        await scene.ScreenshotAsync("hung-up");
    }

    [Fact]
    public async Task Carol_calling_Bob_during_his_call_is_told_he_is_busy_and_the_call_goes_on()
    {
        await using var scene = CallScene.Start(browser, output, "3-busy");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        var carol = await scene.RegisteredAsync("carol");
        await scene.EstablishCallAsync(alice, bob);
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await scene.ScreenshotAsync("in-call");

        await carol.CallAsync(bob);

        await carol.ShouldSayAsync("info", "bob is busy.");
        await carol.ShouldBeAsync("registered", "Registered as carol");
        await carol.ButtonsShouldBeAsync(register: false, call: true, hangUp: false);
        await bob.ShouldShowNoPromptAsync();
        await bob.ShouldShowNoMessageAsync();
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await alice.ShouldBeAsync("in-call", "In call with bob");
        await bob.ShouldBeAsync("in-call", "In call with alice");
        await scene.ShouldHoldOneCallAsync();
        await scene.ScreenshotAsync("busy");

        await bob.HangUpAsync();

        await alice.ShouldSayAsync("info", "bob hung up.");
        await alice.ShouldBeAsync("registered");
        await bob.ShouldBeAsync("registered");
        await scene.ShouldHoldNoMediaAsync();
    }

    [Fact]
    public async Task Alice_closing_her_tab_mid_call_shows_her_reconnecting_on_Bobs_page_then_ends_the_call_after_the_reconnect_window()
    {
        var window = TimeSpan.FromSeconds(8);
        await using var scene = CallScene.Start(browser, output, "4-tab-closed",
            configure: server => server.WithSetting("Calls:ReconnectWindow", window.ToString("c")));
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await scene.EstablishCallAsync(alice, bob);
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await scene.ScreenshotAsync("in-call");

        var sinceClosed = Stopwatch.StartNew();
        await alice.CloseTabAsync();

        // At once: the call goes on for Bob, who sees that Alice is reconnecting (a closed tab looks like a lost network).
        var reconnecting = bob.Page.GetByTestId("call-reconnecting");
        await Assertions.Expect(reconnecting).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(reconnecting).ToHaveTextAsync("alice is reconnecting…");
        var shown = sinceClosed.Elapsed;
        (await bob.Page.EvaluateAsync<string>("() => window.one2one.state()")).Should().Be("in-call");
        await scene.ScreenshotAsync("alice-reconnecting");

        // After the window: Alice did not come back, so the call ends on Bob's page and its media is released.
        await bob.ShouldBeAsync("registered", "Registered as bob");
        var ended = sinceClosed.Elapsed;
        output.WriteLine($"Bob's page showed alice reconnecting {shown.TotalSeconds:0.00} s and the end {ended.TotalSeconds:0.00} s after Alice closed her tab (window {window.TotalSeconds} s)");
        ended.Should().BeGreaterThan(window - TimeSpan.FromSeconds(1), "the server held the call for Calls:ReconnectWindow first");
        await bob.ShouldSayAsync("info", "alice went offline.");
        await Assertions.Expect(reconnecting).ToBeHiddenAsync();
        await bob.ButtonsShouldBeAsync(register: false, call: false, hangUp: false);
        await scene.ShouldHoldNoMediaAsync();
        await scene.ScreenshotAsync("alice-left");
    }

    [Fact]
    public async Task Alice_signing_out_mid_call_ends_it_as_a_hang_up_and_frees_her_name_at_once()
    {
        await using var scene = CallScene.Start(browser, output, "5-sign-out");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await scene.EstablishCallAsync(alice, bob);
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);

        await alice.SignOutAsync();

        await alice.ShouldBeAsync("idle", "Not registered");
        await Assertions.Expect(alice.Page.Locator("#sign-out")).ToBeHiddenAsync();
        await bob.ShouldBeAsync("registered", "Registered as bob");
        await bob.ShouldSayAsync("info", "alice hung up.");
        await scene.ShouldHoldNoMediaAsync();
        await scene.ScreenshotAsync("alice-signed-out");

        // Her page is still connected; the server let the name go all the same, so another page may take it now.
        var another = await scene.OpenAsync("alice");
        await another.RegisterAsync();
    }
}
