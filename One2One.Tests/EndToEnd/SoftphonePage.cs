using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using One2One.Tests.Support;
using One2One.Tests.Support.Browser;
using static Microsoft.Playwright.Assertions;

namespace One2One.Tests.EndToEnd;

/// <summary>
/// One person's One2One page, used only through its own controls (the ids One2One.Client/README.md lists). Reads
/// what the person sees (the state in words, the message, the prompt, the videos) and, for media, the page's
/// <c>window.one2one.peerConnection()</c> statistics.
/// </summary>
internal sealed class SoftphonePage
{
    /// <summary>What <see cref="MediaAsync"/> reads, as an async arrow function (also run in Firefox by <see cref="FirefoxPage"/>).</summary>
    internal const string MediaScript = """
        async () => {
          const video = document.getElementById('remote-video');
          const pc = window.one2one.peerConnection();
          const report = { framesDecoded: 0, videoPackets: 0, audioPackets: 0, videoWidth: video.videoWidth,
                           connectionState: pc ? pc.connectionState : 'none', iceConnectionState: pc ? pc.iceConnectionState : 'none' };
          if (pc) {
            (await pc.getStats()).forEach(s => {
              if (s.type === 'inbound-rtp' && s.kind === 'video') { report.framesDecoded = s.framesDecoded ?? 0; report.videoPackets = s.packetsReceived ?? 0; }
              if (s.type === 'inbound-rtp' && s.kind === 'audio') { report.audioPackets = s.packetsReceived ?? 0; }
            });
          }
          return report;
        }
        """;

    // The pair ICE selected (the transport's selectedCandidatePairId, W3C webrtc-stats §7.13) and both its candidates.
    private const string SelectedPairScript = """
        async () => {
          const pc = window.one2one.peerConnection();
          if (!pc) return null;
          const stats = await pc.getStats();
          let pair = null;
          stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
          if (!pair) return null;
          const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
          return { localType: local.candidateType, localProtocol: local.protocol, localAddress: local.address,
                   localRelayProtocol: local.relayProtocol ?? null, remoteType: remote.candidateType,
                   remoteProtocol: remote.protocol, remoteAddress: remote.address, remotePort: remote.port, localPort: local.port };
        }
        """;

    // Video feedback both ways (outbound-rtp and inbound-rtp, W3C webrtc-stats §8.2–8.4): the NACKs and PLIs the page's
    // video sender received, and what its video receiver asked for, lost and froze on.
    private const string FeedbackScript = """
        async () => {
          const pc = window.one2one.peerConnection();
          const report = { nacksReceived: 0, plisReceived: 0, videoPacketsSent: 0, audioPacketsSent: 0, nacksSent: 0, videoPacketsLost: 0, videoFreezes: 0 };
          if (pc) {
            (await pc.getStats()).forEach(s => {
              if (s.type === 'outbound-rtp' && s.kind === 'video') { report.nacksReceived = s.nackCount ?? 0; report.plisReceived = s.pliCount ?? 0; report.videoPacketsSent = s.packetsSent ?? 0; }
              if (s.type === 'outbound-rtp' && s.kind === 'audio') { report.audioPacketsSent = s.packetsSent ?? 0; }
              if (s.type === 'inbound-rtp' && s.kind === 'video') { report.nacksSent = s.nackCount ?? 0; report.videoPacketsLost = s.packetsLost ?? 0; report.videoFreezes = s.freezeCount ?? 0; }
            });
          }
          return report;
        }
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly float WaitLimit = (float)Eventually.Limit.TotalMilliseconds;

    private readonly Func<Task> _onFailedExpectation;

    public SoftphonePage(string name, IPage page, Func<Task> onFailedExpectation)
    {
        Name = name;
        Page = page;
        _onFailedExpectation = onFailedExpectation;
    }

    /// <summary>The name this person registers under; also names their screenshots.</summary>
    public string Name { get; }

    public IPage Page { get; }

    public bool IsClosed => Page.IsClosed;

    private ILocator State => Page.Locator("#state");

    private ILocator Message => Page.Locator("#error");

    private ILocator Incoming => Page.Locator("#incoming");

    // ---- what the person does ----

    /// <summary>Types the name and presses Register (the outcome is for the test to check).</summary>
    public async Task SubmitNameAsync(string name)
    {
        await Page.Locator("#name").FillAsync(name);
        await Page.Locator("#register").ClickAsync();
    }

    /// <summary>Registers under <see cref="Name"/> and waits until the page says so.</summary>
    public async Task RegisterAsync()
    {
        await SubmitNameAsync(Name);
        await ShouldBeAsync("registered", $"Registered as {Name}");
    }

    /// <summary>Types the other person's name into "Call someone" (without calling yet).</summary>
    public Task EnterPeerAsync(SoftphonePage peer) => EnterPeerAsync(peer.Name);

    public Task EnterPeerAsync(string peer) => Page.Locator("#peer").FillAsync(peer);

    public Task PressCallAsync() => Page.Locator("#call").ClickAsync();

    public Task CallAsync(SoftphonePage peer) => CallAsync(peer.Name);

    public async Task CallAsync(string peer)
    {
        await EnterPeerAsync(peer);
        await PressCallAsync();
    }

    public Task AcceptAsync() => Page.Locator("#accept").ClickAsync();

    public Task RejectAsync() => Page.Locator("#reject").ClickAsync();

    public Task HangUpAsync() => Page.Locator("#hangup").ClickAsync();

    public Task SignOutAsync() => Page.Locator("#sign-out").ClickAsync();

    /// <summary>
    /// The page is hidden (a background tab, a minimized window): headless Chromium cannot hide a page, so it is told so as
    /// a browser tells it (its visibilityState and a visibilitychange event).
    /// </summary>
    public Task HideAsync() => Page.EvaluateAsync("""
        () => {
          Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
          document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
        }
        """);

    /// <summary>Closes the tab, as a person closing the window would.</summary>
    public Task CloseTabAsync() => Page.CloseAsync(new() { RunBeforeUnload = false });

    // ---- what the person sees ----

    /// <summary>The header's state (data-state and, when given, its words); the test hook agrees with it.</summary>
    public Task ShouldBeAsync(string state, string? words = null) => ExpectAsync(async () =>
    {
        await Expect(State).ToHaveAttributeAsync("data-state", state, new() { Timeout = WaitLimit });
        if (words is not null)
        {
            await Expect(State).ToHaveTextAsync(words, new() { Timeout = WaitLimit });
        }

        (await Page.EvaluateAsync<string>("() => window.one2one.state()")).Should().Be(state, $"{Name}'s window.one2one.state() matches the page");
    });

    /// <summary>The message box (#error, role=alert) shows <paramref name="text"/> as an error or as news (info).</summary>
    public Task ShouldSayAsync(string kind, string text) => ExpectAsync(async () =>
    {
        await Expect(Message).ToBeVisibleAsync(new() { Timeout = WaitLimit });
        await Expect(Message).ToHaveTextAsync(text, new() { Timeout = WaitLimit });
        await Expect(Message).ToHaveAttributeAsync("data-kind", kind);
        await Expect(Message).ToHaveAttributeAsync("role", "alert");
    });

    public Task ShouldShowNoMessageAsync() => ExpectAsync(() => Expect(Message).ToBeHiddenAsync(new() { Timeout = WaitLimit }));

    /// <summary>The incoming-call prompt is up and names the caller.</summary>
    public Task ShouldBeRungByAsync(SoftphonePage caller) => ShouldBeRungByAsync(caller.Name);

    /// <summary>The incoming-call prompt is up and names <paramref name="caller"/>.</summary>
    public Task ShouldBeRungByAsync(string caller) => ExpectAsync(async () =>
    {
        await Expect(Incoming).ToBeVisibleAsync(new() { Timeout = WaitLimit });
        await Expect(Page.Locator("#incoming-from")).ToHaveTextAsync(caller);
        await Expect(Page.Locator("#accept")).ToBeEnabledAsync();
        await Expect(Page.Locator("#reject")).ToBeEnabledAsync();
    });

    public Task ShouldShowNoPromptAsync() => ExpectAsync(() => Expect(Incoming).ToBeHiddenAsync(new() { Timeout = WaitLimit }));

    /// <summary>Which of Register, Call and Hang up can be pressed right now.</summary>
    public Task ButtonsShouldBeAsync(bool register, bool call, bool hangUp) => ExpectAsync(async () =>
    {
        await ExpectEnabledAsync("#register", register);
        await ExpectEnabledAsync("#call", call);
        await ExpectEnabledAsync("#hangup", hangUp);
    });

    public async Task<MediaReport> MediaAsync() =>
        (await Page.EvaluateAsync<JsonElement>(MediaScript)).Deserialize<MediaReport>(Json)!;

    /// <summary>The candidate pair the page's ICE agent selected, with both candidates; null before there is one.</summary>
    public async Task<SelectedCandidatePair?> SelectedCandidatePairAsync()
    {
        var json = await Page.EvaluateAsync<JsonElement?>(SelectedPairScript);
        return json is { ValueKind: JsonValueKind.Object } pair ? pair.Deserialize<SelectedCandidatePair>(Json) : null;
    }

    /// <summary>Video feedback: the NACKs and PLIs for the video the page sends, and what its receiver asked for and lost.</summary>
    public async Task<FeedbackReport> FeedbackAsync() =>
        (await Page.EvaluateAsync<JsonElement>(FeedbackScript)).Deserialize<FeedbackReport>(Json)!;

    /// <summary>The RTCPeerConnection's iceTransportPolicy (from getConfiguration()).</summary>
    public Task<string> IceTransportPolicyAsync() =>
        Page.EvaluateAsync<string>("() => window.one2one.peerConnection()?.getConfiguration().iceTransportPolicy ?? 'none'");

    /// <summary>Polls every 50 ms until the first remote video frame is decoded; returns <paramref name="clock"/>'s time then.</summary>
    public async Task<TimeSpan> FirstRemoteFrameAsync(Stopwatch clock, TimeSpan limit)
    {
        MediaReport report;
        do
        {
            report = await MediaAsync();
            if (report.FramesDecoded > 0)
            {
                return clock.Elapsed;
            }

            await Task.Delay(50);
        }
        while (clock.Elapsed < limit);

        await _onFailedExpectation();
        throw new TimeoutException($"{Name}'s page decoded no remote video frame within {limit.TotalSeconds:0} s of the call ({report}).");
    }

    private async Task ExpectEnabledAsync(string selector, bool enabled)
    {
        var button = Page.Locator(selector);
        if (enabled)
        {
            await Expect(button).ToBeEnabledAsync(new() { Timeout = WaitLimit });
        }
        else
        {
            await Expect(button).ToBeDisabledAsync(new() { Timeout = WaitLimit });
        }
    }

    /// <summary>Runs a check; when it fails, every page of the scenario is photographed before the failure goes on.</summary>
    private async Task ExpectAsync(Func<Task> check)
    {
        try
        {
            await check();
        }
        catch (Exception ex)
        {
            await _onFailedExpectation();
            throw new InvalidOperationException($"On {Name}'s page: {ex.Message}", ex);
        }
    }
}

/// <summary>The candidate pair ICE selected, as getStats() reports its local and remote candidates.</summary>
internal sealed record SelectedCandidatePair(
    string LocalType, string LocalProtocol, string? LocalAddress, string? LocalRelayProtocol,
    string RemoteType, string RemoteProtocol, string? RemoteAddress, int RemotePort, int LocalPort);

/// <summary>
/// Video feedback on a page: NACKs and PLIs its video sender received (and packets sent), and its video receiver's NACKs
/// sent, packets lost (after repair) and freezes.
/// </summary>
internal sealed record FeedbackReport(
    long NacksReceived, long PlisReceived, long VideoPacketsSent, long AudioPacketsSent, long NacksSent, long VideoPacketsLost, long VideoFreezes);
