using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using Xunit.Abstractions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// Calls that never get to media, in real Chromium pages through the real server: declined, unanswered and
/// cancelled. Each page says what happened, the prompt goes away, and the media server is left empty.
/// </summary>
[Trait("Category", "Browser")]
[Collection(EndToEndCollection.Name)]
public sealed class SoftphoneRingingTests(BrowserFixture browser, ITestOutputHelper output)
{
    // Records every stream getUserMedia gives the page, and every RTCPeerConnection it makes, from here on.
    private const string RecordCamerasScript = """
        () => {
          window.__streams = [];
          const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
          navigator.mediaDevices.getUserMedia = async constraints => { const stream = await open(constraints); window.__streams.push(stream); return stream; };
          window.__connections = [];
          const Native = window.RTCPeerConnection;
          window.RTCPeerConnection = class extends Native { constructor(...args) { super(...args); window.__connections.push(this); } };
        }
        """;

    // Each recorded connection's signaling state: "have-local-offer" once its offer is made, "closed" once closed.
    private const string ConnectionsScript = "() => window.__connections.map(c => c.signalingState)";

    private const string CallUsesConnectionScript = "index => window.one2one.peerConnection() === window.__connections[index]";

    // Each recorded stream's track states, e.g. "live,live".
    private const string CamerasScript = "() => window.__streams.map(s => s.getTracks().map(t => t.readyState).join(','))";

    private const string SentVideoTrackIsScript = """
        index => window.one2one.peerConnection().getSenders().some(s => s.track && s.track.id === window.__streams[index].getVideoTracks()[0].id)
        """;

    [Fact]
    public async Task Bobs_camera_and_offer_are_made_while_he_is_rung_closed_when_he_declines_or_alice_cancels_and_carry_the_call_he_accepts()
    {
        await using var scene = CallScene.Start(browser, output, "ringing-camera");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await bob.Page.EvaluateAsync(RecordCamerasScript);

        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);
        (await CamerasAsync(bob, c => c.Length == 1)).Should().Equal(["live,live"], "the camera opens while the call rings, before Bob answers");
        (await ConnectionsAsync(bob, c => c.Length == 1 && c[0] != "stable")).Should().Equal(["have-local-offer"], "the offer is made while the call rings");
        await bob.RejectAsync();
        (await CamerasAsync(bob, c => c.All(t => t == "ended,ended"))).Should().HaveCount(1, "declining closes the camera");
        (await ConnectionsAsync(bob, c => c.All(s => s == "closed"))).Should().HaveCount(1, "declining closes the connection made while it rang");

        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);
        await CamerasAsync(bob, c => c.Length == 2 && c[1] == "live,live");
        await alice.HangUpAsync();
        await bob.ShouldShowNoPromptAsync();
        (await CamerasAsync(bob, c => c.All(t => t == "ended,ended"))).Should().HaveCount(2, "a cancelled call closes the camera too");
        (await ConnectionsAsync(bob, c => c.Length == 2 && c.All(s => s == "closed"))).Should().HaveCount(2, "and the connection");

        await scene.EstablishCallAsync(alice, bob);

        (await bob.Page.EvaluateAsync<string[]>(CamerasScript)).Should().Equal(["ended,ended", "ended,ended", "live,live"], "accepting uses the camera opened while it rang, and opens no other");
        (await bob.Page.EvaluateAsync<bool>(SentVideoTrackIsScript, 2)).Should().BeTrue("the call sends the camera opened while it rang");
        (await bob.Page.EvaluateAsync<string[]>(ConnectionsScript)).Should().HaveCount(3, "accepting makes no connection of its own");
        (await bob.Page.EvaluateAsync<bool>(CallUsesConnectionScript, 2)).Should().BeTrue("the call goes over the connection, and the offer, made while it rang");
        await scene.ShouldSeeAndHearEachOtherAsync(alice, bob);
    }

    private static Task<string[]> CamerasAsync(SoftphonePage page, Func<string[], bool> done) =>
        Eventually.ReturnsAsync(() => page.Page.EvaluateAsync<string[]>(CamerasScript), done);

    private static Task<string[]> ConnectionsAsync(SoftphonePage page, Func<string[], bool> done) =>
        Eventually.ReturnsAsync(() => page.Page.EvaluateAsync<string[]>(ConnectionsScript), done);

    [Fact]
    public async Task A_call_ringing_on_a_hidden_page_is_shown_as_a_notification_until_the_ring_ends()
    {
        await using var scene = CallScene.Start(browser, output, "ring-notification");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.OpenAsync("bob");
        await bob.Page.Context.GrantPermissionsAsync(["notifications"]);
        await bob.Page.EvaluateAsync(RecordNotificationsScript);
        await bob.SubmitNameAsync("bob");
        await bob.ShouldBeAsync("registered");
        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);
        (await NotificationsAsync(bob)).Should().BeEmpty("bob is looking at the page: its prompt is enough");
        await alice.HangUpAsync();
        await bob.ShouldBeAsync("registered");

        await bob.HideAsync();
        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);
        await Eventually.TrueAsync(async () => (await NotificationsAsync(bob)).Count == 1, "the ring is shown as a notification");
        (await NotificationsAsync(bob)).Single().Should().Be("alice is calling you, one2one-incoming-call, open");

        await alice.HangUpAsync();
        await Eventually.TrueAsync(async () => (await NotificationsAsync(bob)).Single().EndsWith("closed", StringComparison.Ordinal), "gone with the ring");
    }

    // Records every notification the page makes (its title and tag) and whether it was closed, from here on.
    private const string RecordNotificationsScript = """
        () => {
          window.__notifications = [];
          const Real = window.Notification;
          window.Notification = class extends Real {
            constructor(title, options) {
              const entry = { title, tag: options?.tag ?? '', closed: false };
              window.__notifications.push(entry);
              super(title, options);
              this.__entry = entry;
            }
            close() {
              this.__entry.closed = true;
              super.close();
            }
          };
        }
        """;

    private static async Task<IReadOnlyList<string>> NotificationsAsync(SoftphonePage page) =>
        await page.Page.EvaluateAsync<string[]>("() => window.__notifications.map(n => `${n.title}, ${n.tag}, ${n.closed ? 'closed' : 'open'}`)");

    [Fact]
    public async Task Bob_declines_and_Alices_page_says_the_call_was_declined()
    {
        await using var scene = CallScene.Start(browser, output, "2-declined");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");

        await alice.CallAsync(bob);

        await bob.ShouldBeRungByAsync(alice);
        await bob.ShouldBeAsync("incoming", "alice is calling you");
        await alice.ShouldBeAsync("calling", "Calling bob…");
        await alice.ButtonsShouldBeAsync(register: false, call: false, hangUp: true);
        await bob.ButtonsShouldBeAsync(register: false, call: false, hangUp: false);
        await scene.ScreenshotAsync("ringing");

        await bob.RejectAsync();

        await alice.ShouldSayAsync("info", "bob declined the call.");
        await alice.ShouldBeAsync("registered", "Registered as alice");
        await alice.ButtonsShouldBeAsync(register: false, call: true, hangUp: false);
        await bob.ShouldShowNoPromptAsync();
        await bob.ShouldBeAsync("registered", "Registered as bob");
        await scene.ShouldHoldNoMediaAsync();
        await scene.ScreenshotAsync("declined");
    }

    [Fact]
    public async Task Ringing_that_nobody_answers_ends_with_no_answer_on_both_pages()
    {
        await using var scene = CallScene.Start(browser, output, "6-no-answer", ringingTimeout: TimeSpan.FromSeconds(8));
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");

        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);

        await alice.ShouldSayAsync("info", "bob did not answer.");
        await alice.ShouldBeAsync("registered", "Registered as alice");
        await bob.ShouldShowNoPromptAsync();
        await bob.ShouldSayAsync("info", "Missed call from alice.");
        await bob.ShouldBeAsync("registered", "Registered as bob");
        await scene.ShouldHoldNoMediaAsync();
        await scene.ScreenshotAsync("no-answer");
    }

    [Fact]
    public async Task Alice_cancelling_before_Bob_answers_takes_his_prompt_away()
    {
        await using var scene = CallScene.Start(browser, output, "7-cancelled");
        var alice = await scene.RegisteredAsync("alice");
        var bob = await scene.RegisteredAsync("bob");
        await alice.CallAsync(bob);
        await bob.ShouldBeRungByAsync(alice);
        await scene.ScreenshotAsync("ringing");

        await alice.HangUpAsync();

        await bob.ShouldShowNoPromptAsync();
        await bob.ShouldSayAsync("info", "alice cancelled the call.");
        await bob.ShouldBeAsync("registered", "Registered as bob");
        await alice.ShouldBeAsync("registered", "Registered as alice");
        await alice.ShouldShowNoMessageAsync();
        await scene.ShouldHoldNoMediaAsync();
        await scene.ScreenshotAsync("cancelled");
    }
}
