using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Calls;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using One2One.Tests.Support.Network;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// A page whose connection to the server breaks (a network blip; here the server's TCP connections are destroyed under
/// both ends) comes back by itself, with its name, on a new connection within Calls:ReconnectWindow: nobody has to
/// register again, and the two can call each other right after.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneConnectionLossTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Idle_pages_whose_connections_break_come_back_registered_by_themselves_and_can_call_each_other()
    {
        await using var scene = CallScene.Start(browser, output, "5-connection-lost",
            configure: server => server.WithSetting("Calls:ReconnectWindow", "00:00:20"));
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        var users = scene.Server.Services.GetRequiredService<UserRegistry>();
        var before = new[] { users.FindByName("alice")!.ConnectionId, users.FindByName("bob")!.ConnectionId };

        await TcpConnections.DropAllToAsync(scene.Server.BaseAddress.Port);

        foreach (var name in new[] { "alice", "bob" })
        {
            await Eventually.TrueAsync(
                () => users.FindByName(name) is { IsDetached: false } user && !before.Contains(user.ConnectionId),
                $"{name}'s page resumed on a new connection");
        }

        await alice.ShouldBeAsync("registered", "Registered as alice");
        await bob.ShouldBeAsync("registered", "Registered as bob");
        await scene.ScreenshotAsync("back");
        await scene.EstablishCallAsync(alice, bob);
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await alice.HangUpAsync();
        await bob.ShouldBeAsync("registered");
        await scene.ShouldHoldNoMediaAsync();
    }

    [Fact]
    public async Task A_page_sent_to_the_background_mid_call_and_then_ended_with_no_further_event_resumes_the_call_when_opened_again()
    {
        await using var scene = CallScene.Start(browser, output, "hidden-then-ended");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await scene.EstablishCallAsync(alice, bob);

        // A phone's browser sent to the background: the page is hidden (headless Chromium cannot hide a page, so it is told
        // so as a browser tells it), then the system stops the browser: nothing the page does afterwards is kept.
        await bob.HideAsync();
        await bob.Page.EvaluateAsync(EndWithNoFurtherEventScript);
        await bob.Page.ReloadAsync();

        await bob.ShouldBeAsync("in-call");
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await bob.HangUpAsync();
        await alice.ShouldBeAsync("registered");
        await scene.ShouldHoldNoMediaAsync();
    }

    /// <summary>
    /// From now on nothing the page does reaches its storage, as when the system ends the browser (a page cannot be made to
    /// skip its own pagehide here, so its writes are what is taken away).
    /// </summary>
    private const string EndWithNoFurtherEventScript = """
        () => {
          Storage.prototype.setItem = () => {};
          Storage.prototype.removeItem = () => {};
        }
        """;
}
