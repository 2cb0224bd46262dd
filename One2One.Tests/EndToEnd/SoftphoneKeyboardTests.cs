using Microsoft.Playwright;
using One2One.Tests.Support.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// The softphone for someone on a keyboard or a screen reader: the focus is always somewhere that means something (Hang up
/// once dialled or answered, back where it was after a declined ring, on the same person in a list that changes), the
/// ringing prompt is modal and Escape declines, a refused name is marked on its field, focus is visible where the system
/// forces its own colours, and the reconnecting status is in the page before its words come.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneKeyboardTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task A_call_dialled_declined_and_answered_by_keyboard_keeps_the_focus_where_it_can_be_used()
    {
        await using var scene = CallScene.Start(browser, output, "keyboard-call");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await bob.Page.Locator("#camera-select").FocusAsync();

        // Alice dials from the keyboard: Enter in the name field.
        await alice.EnterPeerAsync(bob);
        await alice.Page.Locator("#peer").PressAsync("Enter");
        await alice.ShouldBeAsync("calling");
        (await FocusedIdAsync(alice)).Should().Be("hangup", "Call went disabled under the focus: Hang up is what can be pressed now");

        // Bob's prompt is a modal alert dialog: the focus is on Accept and cannot leave the prompt.
        await bob.ShouldBeRungByAsync(alice);
        await Expect(bob.Page.Locator("#incoming")).ToHaveAttributeAsync("role", "alertdialog");
        await Expect(bob.Page.Locator("#incoming")).ToHaveAttributeAsync("aria-modal", "true");
        await Expect(bob.Page.GetByRole(AriaRole.Alertdialog)).ToHaveAccessibleNameAsync("alice is calling you");
        (await FocusedIdAsync(bob)).Should().Be("accept");
        foreach (var key in new[] { "Shift+Tab", "Shift+Tab", "Shift+Tab", "Tab", "Tab", "Tab" })
        {
            await bob.Page.Keyboard.PressAsync(key);
            (await bob.Page.EvaluateAsync<string?>("() => document.getElementById('incoming').contains(document.activeElement) ? document.activeElement.id : null"))
                .Should().BeOneOf(["accept", "reject"], "the focus goes round the prompt's buttons while it rings ({0})", key);
        }

        // Escape declines, and the focus goes back to where it was before the ring.
        await bob.Page.Keyboard.PressAsync("Escape");
        await bob.ShouldBeAsync("registered");
        await alice.ShouldSayAsync("info", "bob declined the call.");
        (await FocusedIdAsync(bob)).Should().Be("camera-select");

        // Again, answered with Enter: the focus goes to Hang up, not to the page's body.
        await alice.Page.Locator("#peer").FocusAsync();
        await alice.Page.Locator("#peer").PressAsync("Enter");
        await bob.ShouldBeRungByAsync(alice);
        await bob.Page.Keyboard.PressAsync("Enter");
        await bob.ShouldBeAsync("in-call");
        await alice.ShouldBeAsync("in-call");
        (await FocusedIdAsync(bob)).Should().Be("hangup", "Accept went away under the focus");

        // The reconnecting status region is rendered (empty) before it has anything to say.
        (await bob.Page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('call-reconnecting')).display")).Should().NotBe("none");
        await Expect(bob.Page.GetByTestId("call-reconnecting")).ToBeEmptyAsync();

        await bob.Page.Keyboard.PressAsync("Enter");
        await bob.ShouldBeAsync("registered");
    }

    [Fact]
    public async Task A_refused_name_is_marked_on_its_field_the_list_keeps_the_focus_and_focus_shows_in_forced_colours()
    {
        await using var scene = CallScene.Start(browser, output, "keyboard-names");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");

        // A name typed in fullwidth letters is registered, and shown, as others see it.
        var carol = await scene.OpenAsync("carol");
        await carol.SubmitNameAsync("\uFF43\uFF41\uFF52\uFF4F\uFF4C");
        await carol.ShouldBeAsync("registered", "Registered as carol");

        // A name that is taken: the field says so, until it is changed.
        var other = await scene.OpenAsync("other");
        await other.SubmitNameAsync("ALICE");
        await other.ShouldSayAsync("error", "The name ALICE is already taken.");
        await Expect(other.Page.Locator("#name")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(other.Page.Locator("#name")).ToHaveAccessibleDescriptionAsync("The name ALICE is already taken.");
        await other.Page.Locator("#name").PressSequentiallyAsync("x");
        await Expect(other.Page.Locator("#name")).Not.ToHaveAttributeAsync("aria-invalid", "true");

        // Alice's focus on "Call carol" stays there while bob leaves and the list is drawn again.
        await Expect(alice.OnlineEntry("carol")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await alice.OnlineEntry("carol").Locator("button").FocusAsync();
        await bob.SignOutAsync();
        await Expect(alice.OnlineEntry("bob")).ToHaveCountAsync(0, new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        (await alice.Page.EvaluateAsync<string?>("() => document.activeElement?.closest('li')?.dataset.name ?? null")).Should().Be("carol");

        // Where the system forces its own colours (Windows High Contrast), shadows are dropped: the focus ring is an outline.
        await alice.Page.EmulateMediaAsync(new() { ForcedColors = ForcedColors.Active });
        foreach (var control in new[] { "#peer", "#camera-select", "#sign-out", "#online-users button" })
        {
            await alice.TabToAsync(control);
            (await alice.Page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle")).Should().NotBe("none", control);
        }
    }

    private static Task<string?> FocusedIdAsync(SoftphonePage person) =>
        person.Page.EvaluateAsync<string?>("() => document.activeElement?.id ?? null");
}
