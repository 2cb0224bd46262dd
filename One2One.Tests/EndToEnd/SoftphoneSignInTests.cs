using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>The page on a server with <c>Auth:Mode=Jwt</c>: opened with <c>?token=</c>, it signs in with that token.</summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneSignInTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task A_page_opened_with_a_token_registers_under_its_name_and_drops_the_token_from_the_address()
    {
        await using var scene = CallScene.Start(browser, output, "7-signed-in", configure: server => server.WithJwt());
        var alice = await scene.OpenAsync("alice", $"?token={TestTokens.For("alice")}&lang=en#top");

        alice.Page.Url.Should().NotContain("token").And.EndWith("/?lang=en#top", "the rest of the address is kept");
        await alice.RegisterAsync();
        await scene.ScreenshotAsync("registered");
    }

    [Fact]
    public async Task A_page_whose_token_is_for_another_name_shows_the_refusal()
    {
        await using var scene = CallScene.Start(browser, output, "7-wrong-name", configure: server => server.WithJwt());
        var alice = await scene.OpenAsync("alice", $"?token={TestTokens.For("mallory")}");

        await alice.SubmitNameAsync("alice");

        await alice.ShouldSayAsync("error", "You are signed in as mallory: that is the only name you may register.");
        await alice.ShouldBeAsync("idle", "Not registered");
        await alice.ButtonsShouldBeAsync(register: true, call: false, hangUp: false);
        await scene.ScreenshotAsync("name-not-allowed");
    }

    [Fact]
    public async Task A_page_without_a_valid_token_is_told_to_sign_in()
    {
        await using var scene = CallScene.Start(browser, output, "7-expired", configure: server => server.WithJwt());
        var alice = await scene.OpenAsync("alice", $"?token={TestTokens.For("alice", expiresIn: TimeSpan.FromMinutes(-5))}");

        await alice.SubmitNameAsync("alice");

        await alice.ShouldSayAsync("error",
            "The server requires sign-in, and this page has no valid token (missing, expired or not signed by the server's key). Open the page with a fresh ?token=.");
        await alice.ShouldBeAsync("idle", "Not registered");
        await scene.ScreenshotAsync("no-valid-token");
    }

    [Fact]
    public async Task A_signed_in_page_reloaded_mid_call_signs_in_again_and_keeps_the_call()
    {
        await using var scene = CallScene.Start(browser, output, "7-reload-signed-in", configure: server => server.WithJwt());
        var alice = await scene.OpenAsync("alice", $"?token={TestTokens.For("alice")}");
        var bob = await scene.OpenAsync("bob", $"?token={TestTokens.For("bob")}");
        await alice.RegisterAsync();
        await bob.RegisterAsync();
        await scene.EstablishCallAsync(alice, bob);

        // The reloaded page has no ?token= in its address any more: it signs in with the token its tab kept.
        await alice.Page.ReloadAsync();

        await alice.ShouldBeAsync("in-call");
        alice.Page.Url.Should().NotContain("token");
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await scene.ScreenshotAsync("reloaded-in-call");
    }

    [Fact]
    public async Task A_page_signed_out_and_reloaded_is_signed_out()
    {
        await using var scene = CallScene.Start(browser, output, "7-signed-out-reload", configure: server => server.WithJwt());
        var alice = await scene.OpenAsync("alice", $"?token={TestTokens.For("alice")}");
        await alice.RegisterAsync();
        await alice.SignOutAsync();
        await alice.ShouldBeAsync("idle", "Not registered");

        await alice.Page.ReloadAsync();
        await alice.SubmitNameAsync("alice");

        await alice.ShouldSayAsync("error",
            "The server requires sign-in, and this page has no valid token (missing, expired or not signed by the server's key). Open the page with a fresh ?token=.");
        await alice.ShouldBeAsync("idle", "Not registered");
    }
}
