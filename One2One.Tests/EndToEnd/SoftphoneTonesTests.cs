using One2One.Tests.Support.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace One2One.Tests.EndToEnd;

/// <summary>Ringing and ringback tones made with Web Audio, and the missed-calls notice, in real Chromium.</summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneTonesTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task While_a_call_rings_the_caller_hears_ringback_and_the_callee_ringing_and_both_stop_when_it_is_answered()
    {
        await using var scene = CallScene.Start(browser, output, "tones");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        (await alice.ToneAsync()).Should().BeNull();

        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);

        await Support.Eventually.TrueAsync(async () => await alice.ToneAsync() == new ToneReport("ringback", true), "Alice's page plays ringback on a running AudioContext");
        await Support.Eventually.TrueAsync(async () => await bob.ToneAsync() == new ToneReport("ringing", true), "Bob's page rings on a running AudioContext");
        await scene.ScreenshotAsync("incoming");

        await bob.AcceptAsync();
        await alice.ShouldBeAsync("in-call");

        (await alice.ToneAsync()).Should().BeNull("ringback stops once the call is answered");
        (await bob.ToneAsync()).Should().BeNull("ringing stops once the call is answered");
        await Expect(bob.TestId("missed-calls")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_call_cancelled_while_ringing_is_a_missed_call_on_the_callees_page_and_a_declined_one_is_not()
    {
        await using var scene = CallScene.Start(browser, output, "missed-call");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");

        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);
        await bob.RejectAsync();
        await alice.ShouldBeAsync("registered");
        await Expect(bob.TestId("missed-calls")).ToBeHiddenAsync();

        await alice.PressCallAsync();
        await bob.ShouldBeRungByAsync(alice);
        await alice.HangUpAsync();

        await bob.ShouldBeAsync("registered");
        await Expect(bob.TestId("missed-calls")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await Expect(bob.TestId("missed-calls").Locator("li")).ToHaveCountAsync(1);
        await Expect(bob.TestId("missed-calls").Locator("li")).ToContainTextAsync("alice");
        (await bob.ToneAsync()).Should().BeNull("the ringing stopped with the call");
        await scene.ScreenshotAsync("missed");

        await bob.TestId("missed-calls").GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await Expect(bob.TestId("missed-calls")).ToBeHiddenAsync();
    }
}
