using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// A person in Firefox and a person in Chromium hold calls through the One2One server and its embedded media server:
/// Firefox's offers (its own SDP shape, codecs and payload types, DTLS, ICE with TCP candidates too) are answered and
/// relayed to Chromium's and back, both ways, through a reload of the Firefox page mid-call.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class FirefoxInteropTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task Bob_in_Firefox_and_Alice_in_Chromium_call_each_other_see_and_hear_each_other_and_a_reload_resumes_the_call()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var scene = CallScene.Start(browser, output, "firefox-interop");
        var alice = await scene.RegisteredAsync("alice");
        await using var firefox = await Firefox.LaunchAsync(timeout.Token);
        var bob = await FirefoxPage.OpenAsync("bob", firefox, scene.Server.BaseAddress, timeout.Token);
        await bob.RegisterAsync();

        // Firefox calls: its offer is the caller's.
        await bob.CallAsync("alice");
        await alice.ShouldBeRungByAsync("bob");
        await alice.AcceptAsync();
        await alice.ShouldBeAsync("in-call", "In call with bob");
        await bob.ShouldBeAsync("in-call");
        await MediaExpectations.ShouldReceiveAudioAndVideoAsync(alice.MediaAsync, "alice (Chromium)");
        await MediaExpectations.ShouldReceiveAudioAndVideoAsync(bob.MediaAsync, "bob (Firefox)");
        await scene.ShouldHoldOneCallAsync();
        await scene.ScreenshotAsync("in-call-with-firefox");

        // Firefox's page reloads mid-call: it resumes on a new connection and renegotiates its new RTCPeerConnection.
        await bob.ReloadAsync();
        await bob.ShouldBeAsync("in-call");
        await MediaExpectations.ShouldReceiveAudioAndVideoAsync(bob.MediaAsync, "bob (Firefox) after the reload");
        await MediaExpectations.ShouldReceiveAudioAndVideoAsync(alice.MediaAsync, "alice (Chromium) after bob's reload");
        await alice.ShouldBeAsync("in-call", "In call with bob");
        await scene.ShouldHoldOneCallAsync();

        await alice.HangUpAsync();
        await bob.ShouldSayAsync("info", "alice hung up.");
        await bob.ShouldBeAsync("registered");
        await scene.ShouldHoldNoMediaAsync();

        // Chromium calls and Firefox answers: Firefox's offer is the callee's.
        await alice.CallAsync("bob");
        await bob.ShouldBeRungByAsync("alice");
        await bob.AcceptAsync();
        await bob.ShouldBeAsync("in-call");
        await alice.ShouldBeAsync("in-call", "In call with bob");
        await MediaExpectations.ShouldReceiveAudioAndVideoAsync(bob.MediaAsync, "bob (Firefox), answering");
        await MediaExpectations.ShouldReceiveAudioAndVideoAsync(alice.MediaAsync, "alice (Chromium), calling Firefox");

        await bob.HangUpAsync();
        await alice.ShouldSayAsync("info", "bob hung up.");
        await alice.ShouldBeAsync("registered", "Registered as alice");
        await scene.ShouldHoldNoMediaAsync();
    }
}
