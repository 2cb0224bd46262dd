using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// In Chromium, another site cannot show the softphone in a frame (where it could have a visitor click Accept without
/// knowing: clickjacking), while a site of <c>Hub:AllowedOrigins</c> and the server's own pages can. The other sites are
/// real servers on loopback (other ports, so other origins): Chromium keeps sites it cannot place on the network out of
/// loopback frames on its own, which would hide what the server's headers do.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class PageFramingTests(BrowserFixture browser)
{
    // The page of another site: the softphone (its address in the query) in a frame, marked once the frame has loaded.
    private const string FramingPage = """
        <!doctype html><iframe></iframe>
        <script>
          const frame = document.querySelector('iframe');
          frame.onload = () => frame.dataset.loaded = '1';
          frame.src = new URLSearchParams(location.search).get('src');
        </script>
        """;

    [Fact]
    public async Task Another_site_cannot_frame_the_softphone_but_an_allowed_site_and_the_server_itself_can()
    {
        await using var evil = await StartSiteAsync();
        await using var partner = await StartSiteAsync();
        await using var server = new One2OneServerFactory().WithSetting("Hub:AllowedOrigins:0", AddressOf(partner).TrimEnd('/'));
        server.StartServer();
        var softphone = server.BaseAddress.ToString();
        var context = await browser.Browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();

            (await FramedSoftphoneAsync(page, AddressOf(evil), softphone)).Should().BeFalse("another site's frame stays empty");
            (await FramedSoftphoneAsync(page, AddressOf(partner), softphone)).Should().BeTrue("a site of Hub:AllowedOrigins may frame it");
            (await FramedSoftphoneAsync(page, null, softphone)).Should().BeTrue("the server's own pages may frame it");
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private static async Task<WebApplication> StartSiteAsync()
    {
        var site = WebApplication.CreateSlimBuilder().Build();
        site.Urls.Add("http://127.0.0.1:0");
        site.MapGet("/", () => Results.Content(FramingPage, "text/html"));
        await site.StartAsync();
        return site;
    }

    private static string AddressOf(WebApplication site) =>
        site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/";

    /// <summary>
    /// Opens <paramref name="site"/> with the softphone in a frame (or the softphone framing itself, when null), waits for
    /// the frame to load, and says whether the softphone is in it.
    /// </summary>
    private static async Task<bool> FramedSoftphoneAsync(IPage page, string? site, string softphone)
    {
        if (site is not null)
        {
            await page.GotoAsync($"{site}?src={Uri.EscapeDataString(softphone)}");
        }
        else
        {
            await page.GotoAsync(softphone);
            await page.EvaluateAsync("src => { const f = document.createElement('iframe'); f.onload = () => f.dataset.loaded = '1'; f.src = src; document.body.append(f); }", softphone);
        }

        await page.WaitForFunctionAsync("() => document.querySelector('iframe')?.dataset.loaded === '1'", null, new() { Timeout = 15_000 });
        var frame = page.Frames.Single(f => f != page.MainFrame);
        return frame.Url == softphone && await frame.Locator("#name").CountAsync() == 1;
    }
}
