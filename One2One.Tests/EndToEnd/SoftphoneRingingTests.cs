using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// Calls that never get to media, in real Chromium pages through the real server: declined, unanswered and
/// cancelled. Each page says what happened, the prompt goes away, and the media server is left empty.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneRingingTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Bob_declines_and_Alices_page_says_the_call_was_declined()
    {
        await using var scene = CallScene.Start(browser, output, "2-declined");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");

        await alice.CallAsync(bob);

        await bob.ShouldBeRungByAsync(alice);
        await bob.ShouldBeAsync("incoming", "alice is calling you");
        await alice.ShouldBeAsync("calling", "Calling bob…");
        await alice.ButtonsShouldBeAsync(register: false, call: false, hangUp: true);
        await bob.ButtonsShouldBeAsync(register: false, call: false, hangUp: false);
        await scene.ScreenshotAsync("ringing");

        await bob.RejectAsync();

        await alice.ShouldSayAsync("info", "bob declined the call.");
        await alice.ShouldBeAsync("registered", "Registered as alice");
        await alice.ButtonsShouldBeAsync(register: false, call: true, hangUp: false);
        await bob.ShouldShowNoPromptAsync();
        await bob.ShouldBeAsync("registered", "Registered as bob");
        await scene.ShouldHoldNoMediaAsync();
        await scene.ScreenshotAsync("declined");
    }

    [Fact]
    public async Task Ringing_that_nobody_answers_ends_with_no_answer_on_both_pages()
    {
        await using var scene = CallScene.Start(browser, output, "6-no-answer", ringingTimeout: TimeSpan.FromSeconds(3));
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");

        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);

        await alice.ShouldSayAsync("info", "bob did not answer.");
        await alice.ShouldBeAsync("registered", "Registered as alice");
        await bob.ShouldShowNoPromptAsync();
        await bob.ShouldSayAsync("info", "Missed call from alice.");
        await bob.ShouldBeAsync("registered", "Registered as bob");
        await scene.ShouldHoldNoMediaAsync();
        await scene.ScreenshotAsync("no-answer");
    }

    [Fact]
    public async Task Alice_cancelling_before_Bob_answers_takes_his_prompt_away()
    {
        await using var scene = CallScene.Start(browser, output, "7-cancelled");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);
        await scene.ScreenshotAsync("ringing");

        await alice.HangUpAsync();

        await bob.ShouldShowNoPromptAsync();
        await bob.ShouldSayAsync("info", "alice cancelled the call.");
        await bob.ShouldBeAsync("registered", "Registered as bob");
        await alice.ShouldBeAsync("registered", "Registered as alice");
        await alice.ShouldShowNoMessageAsync();
        await scene.ShouldHoldNoMediaAsync();
        await scene.ScreenshotAsync("cancelled");
    }
}
