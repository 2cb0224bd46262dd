using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using One2One.Server.Calls;
using One2One.Server.Ice;
using One2One.Tests.EndToEnd;
using One2One.Tests.Support;
using Xunit.Abstractions;

namespace One2One.Tests.Networks;

/// <summary>
/// A call survives what happens to one page mid-call: a network change (the host's address replaced), a reload, and a
/// lost path through TURN once the credentials the call started with have expired. The
/// same call (one call on the server the whole time, never ended on either page) carries media both ways again within
/// 5 s, and the peer's page shows that the other side is reconnecting meanwhile.
/// </summary>
[Trait("Category", "Network")]
[Trait("Category", "Browser")]
[Collection(NetworkLabCollection.Name)]
public sealed class ReconnectAcrossNetworksTests(NetworkLabFixture lab, ITestOutputHelper output)
{
    private static readonly TimeSpan ResumeLimit = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task When_Alices_address_changes_mid_call_media_resumes_on_both_pages_within_5_seconds_and_the_call_never_ends()
    {
        await using var scene = lab.StartScene(output, "lab-5-network-change");
        var (alice, bob, call) = await InCallAsync(scene);
        var original = lab.AliceHome.HostAddress;
        try
        {
            var clock = Stopwatch.StartNew();
            await lab.AliceHome.MoveHostAsync(IPAddress.Parse("192.0.2.101"));

            await MediaShouldResumeAsync(scene, alice, bob, call, clock);
            var pair = await alice.SelectedCandidatePairAsync();
            output.WriteLine($"alice's selected pair after the change: {pair}");
        }
        finally
        {
            await lab.AliceHome.MoveHostAsync(original);
        }
    }

    [Fact]
    public async Task Past_the_TURN_credentials_lifetime_a_call_through_TURN_still_reconnects_its_media()
    {
        // Every packet through coturn, whose credentials last a minute (the shortest allowed). Once the ones the pages had
        // when the call started have expired, Alice's router cuts coturn off for a while: her page's media path is lost
        // (its signaling connection, to another server, is not) and her page makes a new connection, whose allocations
        // coturn refuses unless the page renewed its credentials meanwhile.
        await using var scene = lab.StartScene(output, "lab-7-turn-credentials-renewed", IceTransportPolicy.Relay,
            new Dictionary<string, string?> { ["Turn:CredentialLifetime"] = "00:01:00" });
        var (alice, bob, call) = await InCallAsync(scene);
        await Task.Delay(TimeSpan.FromSeconds(70));
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        try
        {
            await lab.AliceHome.SetCutOffAsync(lab.Lab.TurnAddress);
            var reconnecting = bob.Page.GetByTestId("call-reconnecting");
            await Assertions.Expect(reconnecting).ToBeVisibleAsync(new() { Timeout = 15_000 });
        }
        finally
        {
            await lab.AliceHome.SetCutOffAsync(null);
        }

        var clock = Stopwatch.StartNew();
        await MediaShouldResumeAsync(scene, alice, bob, call, clock);
        // Under the relay policy media can only have come back through an allocation coturn granted the new connection.
        output.WriteLine($"alice's selected pair after the outage: {await alice.SelectedCandidatePairAsync()}");
    }

    [Fact]
    public async Task When_Alice_reloads_her_page_mid_call_the_call_resumes_with_media_within_5_seconds_without_calling_again()
    {
        await using var scene = lab.StartScene(output, "lab-6-reload");
        var (alice, bob, call) = await InCallAsync(scene);
        (await alice.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('one2one.resume')"))
            .Should().BeNull("a live page keeps its resume token out of storage, where a duplicated tab would copy it");

        var clock = Stopwatch.StartNew();
        await alice.Page.ReloadAsync();

        await MediaShouldResumeAsync(scene, alice, bob, call, clock);
    }

    private async Task<(SoftphonePage Alice, SoftphonePage Bob, Call Call)> InCallAsync(CallScene scene)
    {
        var alice = await scene.RegisteredAsync("alice", lab.BrowserAt(lab.AliceHome));
        var bob = await scene.RegisteredAsync("bob", lab.BrowserAt(lab.BobHome));
        await scene.EstablishCallAsync(alice, bob);
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        var call = scene.Server.Services.GetRequiredService<CallService>().ActiveCalls.Should().ContainSingle().Subject;
        return (alice, bob, call);
    }

    /// <summary>
    /// Bob's page says Alice is reconnecting; then, within <see cref="ResumeLimit"/> of <paramref name="clock"/>'s start,
    /// both pages decode new video; both are in the call, the server's call is the same one, and Bob's page never left it.
    /// </summary>
    private async Task MediaShouldResumeAsync(CallScene scene, SoftphonePage alice, SoftphonePage bob, Call call, Stopwatch clock)
    {
        var reconnecting = bob.Page.GetByTestId("call-reconnecting");
        await Assertions.Expect(reconnecting).ToBeVisibleAsync(new() { Timeout = 15_000 });
        output.WriteLine($"bob's page showed alice reconnecting after {clock.Elapsed.TotalSeconds:0.00} s");

        TimeSpan? aliceBack = null, bobBack = null;
        while ((aliceBack is null || bobBack is null) && clock.Elapsed < ResumeLimit + TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
            var (a, b) = ((await alice.MediaAsync()).FramesDecoded, (await bob.MediaAsync()).FramesDecoded);
            aliceBack ??= a > 0 && await StillRisingAsync(alice, a) ? clock.Elapsed : null;
            bobBack ??= b > 0 && await StillRisingAsync(bob, b) ? clock.Elapsed : null;
            (await bob.Page.EvaluateAsync<string>("() => window.one2one.state()")).Should().Be("in-call", "Bob's page never leaves the call");
        }

        output.WriteLine($"video decoding again after {aliceBack?.TotalSeconds:0.00} s (alice), {bobBack?.TotalSeconds:0.00} s (bob)");
        aliceBack.Should().NotBeNull("Alice's page decodes Bob's video again").And.BeLessThan(ResumeLimit);
        bobBack.Should().NotBeNull("Bob's page decodes Alice's video again").And.BeLessThan(ResumeLimit);
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
        await alice.ShouldBeAsync("in-call");
        await Assertions.Expect(reconnecting).ToBeHiddenAsync(new() { Timeout = 10_000 });
        scene.Server.Services.GetRequiredService<CallService>().ActiveCalls.Should().ContainSingle()
            .Which.Should().BeSameAs(call, "the call was resumed, not placed again");
        await scene.ShouldHoldOneCallAsync();
        await scene.ScreenshotAsync("resumed");
    }

    /// <summary>Decoding: the count (of the page's current connection, new after a reconnect) rises again a moment later.</summary>
    private static async Task<bool> StillRisingAsync(SoftphonePage page, long frames)
    {
        await Task.Delay(200);
        return (await page.MediaAsync()).FramesDecoded > frames;
    }
}
