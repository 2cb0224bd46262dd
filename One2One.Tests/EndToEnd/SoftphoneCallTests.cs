using System.Diagnostics;
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
    public async Task Alice_closing_her_tab_mid_call_ends_the_call_on_Bobs_page_within_5_seconds()
    {
        await using var scene = CallScene.Start(browser, output, "4-tab-closed");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await scene.EstablishCallAsync(alice, bob);
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await scene.ScreenshotAsync("in-call");

        var sinceClosed = Stopwatch.StartNew();
        await alice.CloseTabAsync();
        await bob.ShouldBeAsync("registered", "Registered as bob");
        var ended = sinceClosed.Elapsed;

        output.WriteLine($"Bob's page showed the end {ended.TotalSeconds:0.00} s after Alice closed her tab");
        ended.Should().BeLessThan(TimeSpan.FromSeconds(5), "the issue requires Bob to see the call end within 5 seconds");
        await bob.ShouldSayAsync("info", "alice went offline.");
        await bob.ButtonsShouldBeAsync(register: false, call: false, hangUp: false);
        await scene.ShouldHoldNoMediaAsync();
        await scene.ScreenshotAsync("alice-left");
    }
}
