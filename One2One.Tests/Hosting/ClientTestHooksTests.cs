using System.Net;
using One2One.Server.Hosting;
using One2One.Tests.Support;

namespace One2One.Tests.Hosting;

/// <summary>The page's <c>window.one2one</c> test hook exists only where <c>Client:TestHooks</c> is on: never in production.</summary>
public sealed class ClientTestHooksTests
{
    private const string HookDefinition = "\"one2one\"";

    [Fact]
    public async Task By_default_the_bundle_has_no_hook_and_the_test_bundle_is_not_served()
    {
        await using var server = new One2OneServerFactory();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var bundle = await http.GetStringAsync("js/app.js");

        bundle.Should().Contain("/one2one", "this is the page's bundle").And.NotContain(HookDefinition).And.NotContain("defineProperty(window");
        (await http.GetAsync("js/app-test.js")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await http.GetAsync("js/app-test.js.map")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await http.GetAsync("JS/APP-TEST.JS")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await http.GetAsync("js//app-test.js")).StatusCode.Should().Be(HttpStatusCode.NotFound, "the static files resolve a doubled slash to the same file");
        (await http.GetAsync(server.BaseAddress.GetLeftPart(UriPartial.Authority) + "//js/app-test.js.map")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task With_the_setting_on_the_page_gets_the_bundle_with_the_hook()
    {
        await using var server = new One2OneServerFactory().WithSetting(ClientTestHooks.SettingKey, "true");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var bundle = await http.GetStringAsync("js/app.js");

        bundle.Should().Contain("defineProperty(window,\"one2one\"");
        (await http.GetAsync("js/app-test.js.map")).StatusCode.Should().Be(HttpStatusCode.OK, "its source map is served with it");
    }
}
