using One2One.MediaServer.Elements;
using One2One.MediaServer.Protocol;

namespace One2One.Tests.MediaServer.Support;

/// <summary>
/// A test double of the WebRTC machinery (Rtc/, Relay/) for tests of the element layer and the protocol alone: answers
/// any offer that starts with "v=0" with <see cref="Answer"/>, reports one host candidate then gathering done, and
/// records what the element layer asks of it. Lives behind <see cref="StandInWebRtcSessionFactory"/>.
/// </summary>
internal sealed class StandInWebRtcSession(WebRtcEndpointSettings settings, IWebRtcSessionObserver observer, StandInWebRtcSessionFactory factory) : IWebRtcSession
{
    public const string Answer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\na=fingerprint:sha-256 AB:CD\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.1\r\na=mid:0\r\n";
    public const string Candidate = "candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host";

    private readonly Lock _lock = new();
    private readonly List<(IWebRtcSession Sink, KurentoMediaType Kind)> _sinks = [];
    private readonly List<RemoteIceCandidate> _remoteCandidates = [];
    private bool _negotiated;
    private int _disposeCount;

    public WebRtcEndpointSettings Settings { get; } = settings;

    public IWebRtcSessionObserver Observer { get; } = observer;

    public int DisposeCount => Volatile.Read(ref _disposeCount);

    public int KeyframeRequests { get; private set; }

    public int MaxVideoRecvBandwidth { get; private set; }

    public bool FlowingIn { get; set; }

    public IReadOnlyList<(IWebRtcSession Sink, KurentoMediaType Kind)> Sinks
    {
        get
        {
            lock (_lock)
            {
                return [.. _sinks];
            }
        }
    }

    public IReadOnlyList<RemoteIceCandidate> RemoteCandidates
    {
        get
        {
            lock (_lock)
            {
                return [.. _remoteCandidates];
            }
        }
    }

    public string ProcessOffer(string offer)
    {
        if (!offer.StartsWith("v=0", StringComparison.Ordinal))
        {
            throw new KurentoErrorException(KurentoErrorCode.SdpParseError, "Malformed offer");
        }

        lock (_lock)
        {
            if (_negotiated)
            {
                throw new KurentoErrorException(KurentoErrorCode.SdpEndPointAlreadyNegotiated, "Endpoint already negotiated");
            }

            _negotiated = true;
        }

        return Answer;
    }

    public void GatherCandidates()
    {
        lock (_lock)
        {
            if (!_negotiated)
            {
                throw new KurentoErrorException(KurentoErrorCode.IceGatherCandidatesError, "Call processOffer first");
            }
        }

        // The real machinery reports from its own threads; the element must cope with either.
        _ = Task.Run(() =>
        {
            Observer.IceCandidateFound(Candidate, "0", 0);
            Observer.IceGatheringDone();
        });
    }

    public void AddRemoteCandidate(RemoteIceCandidate candidate)
    {
        if (!candidate.Candidate.StartsWith("candidate:", StringComparison.Ordinal))
        {
            throw new KurentoErrorException(KurentoErrorCode.IceAddCandidateError, "Malformed candidate");
        }

        lock (_lock)
        {
            _remoteCandidates.Add(candidate);
        }
    }

    public void AddSink(IWebRtcSession sink, KurentoMediaType kind)
    {
        lock (_lock)
        {
            _sinks.Add((sink, kind));
        }
    }

    public void RemoveSink(IWebRtcSession sink, KurentoMediaType kind)
    {
        lock (_lock)
        {
            _sinks.Remove((sink, kind));
        }
    }

    public void RequestKeyframe() => KeyframeRequests++;

    public void SetMaxVideoRecvBandwidth(int kilobitsPerSecond) => MaxVideoRecvBandwidth = kilobitsPerSecond;

    public KurentoIceState IceState { get; set; } = KurentoIceState.Disconnected;

    public bool IsMediaFlowingIn(KurentoMediaType kind) => FlowingIn;

    public bool IsMediaFlowingOut(KurentoMediaType kind) => false;

    public IReadOnlyList<WebRtcStreamStats> GetStats() =>
    [
        new(KurentoMediaType.Audio, Inbound: true, Ssrc: 1111, Codec: "opus", Packets: 50, Bytes: 5000, PacketsDropped: 1),
        new(KurentoMediaType.Video, Inbound: true, Ssrc: 2222, Codec: "VP8", Packets: 100, Bytes: 100000, PacketsDropped: 0),
        new(KurentoMediaType.Video, Inbound: false, Ssrc: 3333, Codec: "VP8", Packets: 90, Bytes: 90000, PacketsDropped: 0),
    ];

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Increment(ref _disposeCount) == 1)
        {
            factory.OnDisposed();
        }

        if (factory.DisposeHold is { } hold)
        {
            await hold;
        }
    }
}

/// <summary>The factory of <see cref="StandInWebRtcSession"/>s; each live session counts as one open socket.</summary>
internal sealed class StandInWebRtcSessionFactory : IWebRtcSessionFactory
{
    private readonly Lock _lock = new();
    private readonly List<StandInWebRtcSession> _created = [];
    private int _open;

    public int OpenSocketCount => Volatile.Read(ref _open);

    public IReadOnlyList<StandInWebRtcSession> Created
    {
        get
        {
            lock (_lock)
            {
                return [.. _created];
            }
        }
    }

    public StandInWebRtcSession For(string endpointId) => Created.Single(s => s.Settings.EndpointId == endpointId);

    /// <summary>
    /// When set, <see cref="Create"/> throws it: media machinery that fails to start (no port or memory left), which
    /// the real factory cannot be made to do on demand.
    /// </summary>
    public Exception? CreateFailure { get; set; }

    /// <summary>When set, each session's disposal waits for it (media whose release hangs).</summary>
    public Task? DisposeHold { get; set; }

    public IWebRtcSession Create(WebRtcEndpointSettings settings, IWebRtcSessionObserver observer)
    {
        if (CreateFailure is { } failure)
        {
            throw failure;
        }

        var session = new StandInWebRtcSession(settings, observer, this);
        lock (_lock)
        {
            _created.Add(session);
        }

        Interlocked.Increment(ref _open);
        return session;
    }

    internal void OnDisposed() => Interlocked.Decrement(ref _open);
}
