using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Relay;
using One2One.MediaServer.Rtc.Sdp;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>An endpoint's media machinery with the browser that talks to it and what it reported.</summary>
internal sealed class RelayEndpoint(WebRtcSession session, RecordingSessionObserver events, SimulatedBrowser browser)
{
    public WebRtcSession Session { get; } = session;

    public RecordingSessionObserver Events { get; } = events;

    public SimulatedBrowser Browser { get; } = browser;

    /// <summary>The SSRC this endpoint sends <paramref name="kind"/> to its browser with (its answer's a=ssrc).</summary>
    public uint OutgoingSsrc(KurentoMediaType kind) => Browser.Answer!.Ssrc(kind);

    public override string ToString() => $"endpoint on port {Session.Transport.LocalPort}";
}

/// <summary>
/// The real <see cref="WebRtcSessionFactory"/> on 127.0.0.1 with a fake clock (the flow and consent monitor only
/// ticks when a test advances it) and a recording logger; makes endpoints with simulated browsers attached.
/// </summary>
internal sealed class RelayRig : IAsyncDisposable
{
    private readonly List<RelayEndpoint> _endpoints = [];
    private readonly ILoggerFactory _loggers;

    private RelayRig(MediaServerOptions options, FakeTimeProvider clock, LogLevel minimumLevel)
    {
        Clock = clock;
        Logs = new RecordingLoggerProvider(minimumLevel);
        _loggers = Logs.CreateFactory();
        Factory = new WebRtcSessionFactory(Options.Create(options), _loggers, clock);
    }

    public FakeTimeProvider Clock { get; }

    public RecordingLoggerProvider Logs { get; }

    public WebRtcSessionFactory Factory { get; }

    /// <param name="minimumLevel">What <see cref="Logs"/> keeps (Debug for a test that watches debug events).</param>
    public static RelayRig Create(Action<MediaServerOptions>? configure = null, LogLevel minimumLevel = LogLevel.Information)
    {
        var options = new MediaServerOptions { BindAddress = "127.0.0.1" };
        configure?.Invoke(options);
        return new RelayRig(options, new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", CultureInfo.InvariantCulture)), minimumLevel);
    }

    /// <summary>A session only, nothing negotiated.</summary>
    public (WebRtcSession Session, RecordingSessionObserver Events) CreateSession(string? id = null)
    {
        var events = new RecordingSessionObserver();
        var session = (WebRtcSession)Factory.Create(new WebRtcEndpointSettings(id ?? $"endpoint-{Guid.NewGuid():N}"), events);
        return (session, events);
    }

    /// <summary>processOffer and gatherCandidates with the browser's offer and its candidate; the browser reads the answer.</summary>
    public RelayEndpoint Negotiate(SimulatedBrowser? browser = null)
    {
        browser ??= new SimulatedBrowser();
        var (session, events) = CreateSession();
        var answer = session.ProcessOffer(browser.OfferSdp);
        session.AddRemoteCandidate(new RemoteIceCandidate(browser.HostCandidate, "0", 0));
        session.GatherCandidates();
        var candidate = events.OfType<CandidateFound>().First();
        IceCandidate.TryParse(candidate.Candidate, out var parsed, out _).Should().BeTrue(candidate.Candidate);
        browser.AcceptAnswer(answer, new IPEndPoint(IPAddress.Parse(parsed!.Address), parsed.Port));
        var endpoint = new RelayEndpoint(session, events, browser);
        lock (_endpoints)
        {
            _endpoints.Add(endpoint);
        }

        return endpoint;
    }

    /// <summary>Negotiated, ICE done, DTLS done: SRTP flows both ways.</summary>
    public async Task<RelayEndpoint> ConnectAsync(SimulatedBrowser? browser = null)
    {
        var endpoint = Negotiate(browser);
        await endpoint.Browser.CompleteIceAsync();
        await endpoint.Browser.CompleteDtlsAsync();
        await endpoint.Events.WaitForAsync<ConnectionChanged>(c => c.Connected, "after the DTLS handshake");
        return endpoint;
    }

    /// <summary>Two connected endpoints relaying to each other (audio and video both ways).</summary>
    public async Task<(RelayEndpoint A, RelayEndpoint B)> CallAsync(SimulatedBrowser? a = null, SimulatedBrowser? b = null)
    {
        var first = await ConnectAsync(a);
        var second = await ConnectAsync(b);
        foreach (var kind in (KurentoMediaType[])[KurentoMediaType.Audio, KurentoMediaType.Video])
        {
            first.Session.AddSink(second.Session, kind);
            second.Session.AddSink(first.Session, kind);
        }

        return (first, second);
    }

    /// <summary>Moves the fake clock a second at a time, as the monitor's timer would see it.</summary>
    public void AdvanceSeconds(int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    public async ValueTask DisposeAsync()
    {
        RelayEndpoint[] endpoints;
        lock (_endpoints)
        {
            endpoints = [.. _endpoints];
        }

        foreach (var endpoint in endpoints)
        {
            await endpoint.Session.DisposeAsync();
            await endpoint.Browser.DisposeAsync();
        }

        Factory.Dispose();
        _loggers.Dispose();
    }
}
