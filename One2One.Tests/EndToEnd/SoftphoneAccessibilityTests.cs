using System.Text.Json;
using Microsoft.Playwright;
using One2One.Tests.ClientSdk;
using One2One.Tests.Support.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// The page for everyone: axe-core finds no serious or critical violation in any state (idle, incoming call, in call,
/// phone layout in dark mode), the call controls work from the keyboard with accessible names, and a phone-sized
/// window gets one column without sideways scrolling. Its screenshots are the README's "What it looks like"
/// (written to docs/screenshots when ONE2ONE_WRITE_DOCS_SCREENSHOTS=1).
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneAccessibilityTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const string AxeScript = """
        async () => {
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
          return result.violations.map(v => ({ id: v.id, impact: v.impact ?? 'minor', help: v.help,
                                               targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }));
        }
        """;

    [Fact]
    public async Task Axe_finds_no_serious_violation_idle_ringing_in_call_or_on_a_phone_in_dark_mode_and_the_call_controls_work_by_keyboard()
    {
        await using var scene = CallScene.Start(browser, output, "accessibility");
        var alice = await scene.OpenAsync("alice");
        var bob = await scene.OpenAsync("bob");
        await ShouldPassAxeAsync(alice, "idle");
        await alice.RegisterAsync();
        await bob.RegisterAsync();
        await Expect(alice.OnlineEntry("bob")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await ShouldPassAxeAsync(alice, "registered");

        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);
        await ShouldPassAxeAsync(bob, "incoming call");
        await DocsScreenshotAsync(bob, "incoming-call");

        await bob.AcceptAsync();
        await alice.ShouldBeAsync("in-call");
        await bob.ShouldBeAsync("in-call");
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await Expect(alice.TestId("call-stats").Locator("[data-stat=resolution]"))
            .ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+×\d+$"), new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await ShouldPassAxeAsync(alice, "in call");
        await DocsScreenshotAsync(alice, "in-call");
        await DocsScreenshotAsync(alice, "call-stats", alice.Page.Locator(".stage"));

        // The mute buttons by keyboard alone: focus moves to them with Tab and Space presses them; their names say what they do.
        await Expect(alice.TestId("mute-audio")).ToHaveAccessibleNameAsync("Mute microphone");
        await Expect(alice.TestId("mute-video")).ToHaveAccessibleNameAsync("Turn camera off");
        await Expect(alice.Page.Locator("#hangup")).ToHaveAccessibleNameAsync("Hang up");
        await alice.TabToAsync("[data-testid=mute-audio]");
        await alice.Page.Keyboard.PressAsync("Space");
        await Expect(alice.TestId("mute-audio")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(bob.TestId("peer-muted-audio")).ToBeVisibleAsync(new() { Timeout = SoftphoneFeatureControls.WaitLimit });
        await alice.Page.Keyboard.PressAsync("Tab");
        (await FocusedTestIdAsync(alice)).Should().Be("mute-video", "the camera button follows the microphone's in the tab order");

        // A phone in dark mode: one column, no sideways scrolling, the dark palette, and still no serious violation.
        await bob.Page.SetViewportSizeAsync(390, 844);
        await bob.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        (await bob.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(390, "nothing is wider than a phone");
        (await bob.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor")).Should().Be("rgb(11, 13, 23)", "dark mode follows prefers-color-scheme");
        var stage = (await bob.Page.Locator(".stage").BoundingBoxAsync())!;
        var panel = (await bob.Page.Locator(".panel").BoundingBoxAsync())!;
        stage.Y.Should().BeLessThan(panel.Y, "on a phone the video comes first and the controls below it");
        (stage.X + stage.Width).Should().BeLessThanOrEqualTo(390);
        await ShouldPassAxeAsync(bob, "phone layout, dark mode, in call");
        await DocsScreenshotAsync(bob, "phone-dark", fullPage: true);
    }

    private async Task ShouldPassAxeAsync(SoftphonePage person, string when)
    {
        if (!await person.Page.EvaluateAsync<bool>("() => typeof axe !== 'undefined'"))
        {
            await person.Page.AddScriptTagAsync(new() { Path = Path.Combine(ClientContractTests.RepositoryRoot(), "node_modules", "axe-core", "axe.min.js") });
        }

        var violations = (await person.Page.EvaluateAsync<JsonElement>(AxeScript)).Deserialize<List<AxeViolation>>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        foreach (var violation in violations)
        {
            output.WriteLine($"axe ({when}, {person.Name}): {violation.Impact} {violation.Id}: {violation.Help} at {string.Join(", ", violation.Targets)}");
        }

        violations.Where(v => v.Impact is "serious" or "critical").Should().BeEmpty($"axe-core finds no serious violation on {person.Name}'s page ({when})");
    }

    private static Task<string?> FocusedTestIdAsync(SoftphonePage person) =>
        person.Page.EvaluateAsync<string?>("() => document.activeElement?.getAttribute('data-testid') ?? null");

    /// <summary>A screenshot for the README's "What it looks like": always in the test's artifacts, in docs/ when asked.</summary>
    private async Task DocsScreenshotAsync(SoftphonePage person, string name, ILocator? part = null, bool fullPage = false)
    {
        var directories = new List<string> { TestArtifacts.ScenarioDirectory("accessibility") };
        if (Environment.GetEnvironmentVariable("ONE2ONE_WRITE_DOCS_SCREENSHOTS") == "1")
        {
            directories.Add(Path.Combine(ClientContractTests.RepositoryRoot(), "docs", "screenshots"));
        }

        foreach (var directory in directories)
        {
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, name + ".png");
            if (part is null)
            {
                await person.Page.ScreenshotAsync(new() { Path = path, FullPage = fullPage });
            }
            else
            {
                await part.ScreenshotAsync(new() { Path = path });
            }

            output.WriteLine($"screenshot: {path}");
        }
    }

    private sealed record AxeViolation(string Id, string Impact, string Help, List<string> Targets);
}
