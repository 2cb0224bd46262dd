using System.Text.Json;
using Microsoft.Playwright;
using One2One.Tests.Support;

namespace One2One.Tests.EndToEnd;

/// <summary>The page's feature controls, found by the stable data-testid One2One.Client/README.md lists.</summary>
internal static class SoftphoneFeatureControls
{
    /// <summary>How long a feature's expectation waits (the suite's usual limit).</summary>
    public static readonly float WaitLimit = (float)Eventually.Limit.TotalMilliseconds;

    public static ILocator TestId(this SoftphonePage page, string testId) => page.Page.GetByTestId(testId);

    /// <summary>The entry for <paramref name="name"/> in the online-users list.</summary>
    public static ILocator OnlineEntry(this SoftphonePage page, string name) =>
        page.TestId("online-users").Locator($"li[data-name=\"{name}\"]");

    /// <summary>Presses Tab (from the page's start) until the element matching <paramref name="selector"/> has the focus.</summary>
    public static async Task TabToAsync(this SoftphonePage page, string selector)
    {
        var focused = $"() => document.activeElement?.matches(\"{selector}\") === true";
        await page.Page.Locator("body").FocusAsync();
        for (var i = 0; i < 30 && !await page.Page.EvaluateAsync<bool>(focused); i++)
        {
            await page.Page.Keyboard.PressAsync("Tab");
        }

        (await page.Page.EvaluateAsync<bool>(focused)).Should().BeTrue($"Tab reaches {selector}");
    }

    /// <summary>The tone the page sounds now ("ringing", "ringback") and whether its AudioContext runs; null when silent.</summary>
    public static async Task<ToneReport?> ToneAsync(this SoftphonePage page)
    {
        var tone = await page.Page.EvaluateAsync<JsonElement?>("() => window.one2one.tone()");
        return tone is { ValueKind: JsonValueKind.Object } found ? found.Deserialize<ToneReport>(new JsonSerializerOptions(JsonSerializerDefaults.Web)) : null;
    }
}

internal sealed record ToneReport(string Kind, bool Running);
