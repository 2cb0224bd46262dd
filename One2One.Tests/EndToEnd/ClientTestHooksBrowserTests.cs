using One2One.Server.Hosting;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using static Microsoft.Playwright.Assertions;

namespace One2One.Tests.EndToEnd;

/// <summary>The page's <c>window.one2one</c> test hook, seen from a real Chromium page: there only when <c>Client:TestHooks</c> is on.</summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class ClientTestHooksBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData(null, "undefined")]
    [InlineData("true", "object")]
    public async Task The_page_has_window_one2one_only_when_the_server_serves_test_hooks(string? setting, string expected)
    {
        await using var server = new One2OneServerFactory();
        if (setting is not null)
        {
            server.WithSetting(ClientTestHooks.SettingKey, setting);
        }

        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.Locator("#name").FillAsync("alice");
        await Expect(page.Locator("#register")).ToBeEnabledAsync(new() { Timeout = (float)Eventually.Limit.TotalMilliseconds });

        (await page.EvaluateAsync<string>("() => typeof window.one2one")).Should().Be(expected);
    }
}
