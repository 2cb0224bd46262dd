using One2One.Tests.Support.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace One2One.Tests.EndToEnd;

/// <summary>Who is online (online-users) in real Chromium: live joins and leaves, a click calls, Presence:Enabled false hides it.</summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphonePresenceTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Alice_sees_Bob_and_Carol_come_online_and_Carol_leave_and_calls_Bob_by_clicking_his_name()
    {
        await using var scene = CallScene.Start(browser, output, "presence");
        var alice = await scene.OpenAsync("alice");
        await Expect(alice.TestId("online-users")).ToBeHiddenAsync();
        await alice.RegisterAsync();
        await Expect(alice.TestId("online-users")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await Expect(alice.TestId("online-users").Locator("li")).ToHaveCountAsync(0);

        var bob = await scene.RegisteredAsync("bob");
        var carol = await scene.RegisteredAsync("carol");

        await Expect(alice.TestId("online-users").Locator("li")).ToHaveTextAsync(["bob", "carol"], new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await Expect(bob.TestId("online-users").Locator("li")).ToHaveTextAsync(["alice", "carol"], new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await scene.ScreenshotAsync("three-online");

        await carol.CloseTabAsync();

        await Expect(alice.TestId("online-users").Locator("li")).ToHaveTextAsync(["bob"], new() { Timeout = SoftphoneFeatureControls.WaitLimit });

        await alice.OnlineEntry("bob").GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Call bob" }).ClickAsync();

        await bob.ShouldBeRungByAsync(alice);
        await alice.ShouldBeAsync("calling");
        await Expect(alice.OnlineEntry("bob").Locator("button")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task When_someone_comes_or_goes_the_entries_of_the_others_stay_as_they_are()
    {
        await using var scene = CallScene.Start(browser, output, "presence-in-place");
        var alice = await scene.RegisteredAsync("alice");
        await scene.RegisteredAsync("bob");
        await Expect(alice.TestId("online-users").Locator("li")).ToHaveTextAsync(["bob"], new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await alice.OnlineEntry("bob").EvaluateAsync("entry => { entry.__seen = true; }");

        var anna = await scene.RegisteredAsync("anna");
        await scene.RegisteredAsync("carol");
        await Expect(alice.TestId("online-users").Locator("li")).ToHaveTextAsync(["anna", "bob", "carol"], new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await anna.CloseTabAsync();
        await Expect(alice.TestId("online-users").Locator("li")).ToHaveTextAsync(["bob", "carol"], new() { Timeout = SoftphoneFeatureControls.WaitLimit });

        (await alice.OnlineEntry("bob").EvaluateAsync<bool>("entry => entry.__seen === true"))
            .Should().BeTrue("bob's entry is the one the page had: a screen reader reading the list is not sent back to its top");
    }

    [Fact]
    public async Task With_Presence_Enabled_false_the_list_stays_hidden_and_empty()
    {
        await using var scene = CallScene.Start(browser, output, "presence-off", configure: server => server.WithSetting("Presence:Enabled", "false"));
        var alice = await scene.RegisteredAsync("alice");
        await scene.RegisteredAsync("bob");
        await Task.Delay(500);

        await Expect(alice.TestId("online-users")).ToBeHiddenAsync();
        await Expect(alice.TestId("online-users").Locator("li")).ToHaveCountAsync(0);
    }
}
