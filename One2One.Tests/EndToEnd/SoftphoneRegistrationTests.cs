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
}
