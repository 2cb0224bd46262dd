using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>Registering from a real Chromium page through the real server.</summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneRegistrationTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task A_name_already_taken_is_refused_on_the_page_with_the_reason()
    {
        await using var scene = CallScene.Start(browser, output, "5-name-taken");
        await scene.RegisteredAsync("alice");
        var other = await scene.OpenAsync("other-alice");

        await other.SubmitNameAsync("alice");

        await other.ShouldSayAsync("error", "The name alice is already taken.");
        await other.ShouldBeAsync("idle", "Not registered");
        await other.ButtonsShouldBeAsync(register: true, call: false, hangUp: false);
        await scene.ScreenshotAsync("name-taken");
    }

    [Fact]
    public async Task A_registered_page_holds_a_Web_Lock_so_browsers_do_not_put_it_to_sleep_and_lets_it_go_when_signed_out()
    {
        await using var scene = CallScene.Start(browser, output, "waiting-lock");
        var alice = await scene.OpenAsync("alice");
        (await HeldLocksAsync(alice)).Should().BeEmpty("an unregistered page waits for no call");

        await alice.SubmitNameAsync("alice");
        await alice.ShouldBeAsync("registered");
        await Support.Eventually.TrueAsync(async () => (await HeldLocksAsync(alice)).Count == 1, "the page holds its lock");
        (await HeldLocksAsync(alice)).Should().ContainSingle().Which.Should().StartWith("one2one-waiting-for-calls-");

        await alice.SignOutAsync();
        await alice.ShouldBeAsync("idle");
        await Support.Eventually.TrueAsync(async () => (await HeldLocksAsync(alice)).Count == 0, "signed out, the page lets it go");
    }

    private static async Task<IReadOnlyList<string>> HeldLocksAsync(SoftphonePage page) =>
        await page.Page.EvaluateAsync<string[]>("async () => (await navigator.locks.query()).held.map(lock => lock.name)");
}
