using System.Globalization;
using System.Net;
using System.Numerics;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Protocol;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Rtp;
using One2One.MediaServer.Rtc.Sdp;
using One2One.MediaServer.Rtc.Transport;

namespace One2One.MediaServer.Relay;

/// <summary>
/// The media machinery behind one WebRtcEndpoint: negotiates with the browser's offer, runs the transport
/// (ICE-lite, DTLS-SRTP) and relays what the browser sends to this endpoint's sinks, with SSRCs and payload
/// types rewritten to each sink's own, and RTCP translated both ways.
/// </summary>
/// <remarks>
/// Threading. <see cref="_control"/> guards negotiation, remote candidates and the ICE state; protocol calls
/// arrive serialized by the pipeline but events come from the transport. ICE states and selected pairs are reported
/// under it (the observer only enqueues), so they reach the client in the order they happened. The media workers run
/// <see cref="ITransportEvents.OnRtp"/> and <see cref="ITransportEvents.OnRtcp"/> under the transport's receive gate;
/// they read <see cref="_negotiated"/> and <see cref="_routes"/> without locks (both immutable, published whole) and
/// write the browser's SSRCs (<see cref="_inboundSsrc"/>, one volatile value per kind) when they change: no lock
/// shared with any other endpoint is taken on the packet path.
/// </remarks>
internal sealed class WebRtcSession : IWebRtcSession, ITransportEvents
{
    /// <summary>RFC 7675 §5.1: consent expires 30 s after the last valid check.</summary>
    public static readonly TimeSpan ConsentTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Lost packets one RTCP compound may ask the media server to resend: as many as its history keeps.</summary>
    public const int MaxNackedPerCompound = RetransmissionHistory.Capacity;

    private const int MaxRemoteCandidates = 64;

    /// <summary>
    /// RFC 8445 §5.1.2.1 for a peer-reflexive candidate (type preference 110, component 1): a candidate string needs a
    /// priority of at least 1, and the check's own PRIORITY is not kept.
    /// </summary>
    private const uint PeerReflexivePriority = (110u << 24) + (65535u << 8) + 255;
    private const long UnknownSsrc = -1;

    private readonly WebRtcEndpointSettings _settings;
    private readonly IWebRtcSessionObserver _observer;
    private readonly WebRtcSessionFactory _factory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WebRtcTransport _transport;
    private readonly Lock _control = new();
    private readonly Lock _connectionReport = new(); // orders the connection-state reports against the DTLS end; takes no other lock
    private readonly LocalStreamIdentity _audioIdentity;
    private readonly LocalStreamIdentity _videoIdentity;

    /// <summary>The ceiling of REMBs relayed to this endpoint's browser (about what it sends): <see cref="MaxVideoBitrate"/>, none when 0.</summary>
    private ulong MaxRembBitrate => MaxVideoBitrate is > 0 and var cap ? (ulong)cap : ulong.MaxValue;

    /// <summary>
    /// The video bitrate this endpoint's browser is asked to keep under, bits per second, 0 for none: the lower of
    /// MediaServer:MaxVideoBitrate and the endpoint's own maxVideoRecvBandwidth.
    /// </summary>
    private long MaxVideoBitrate
    {
        get
        {
            var server = _factory.Options.MaxVideoBitrate;
            var endpoint = Volatile.Read(ref _maxVideoRecvBitrate);
            return server <= 0 ? endpoint : endpoint <= 0 ? server : Math.Min(server, endpoint);
        }
    }

    private readonly MediaCounters[] _in = [new(KurentoMediaType.Audio), new(KurentoMediaType.Video)];
    private readonly MediaCounters[] _out = [new(KurentoMediaType.Audio), new(KurentoMediaType.Video)];
    private readonly OutboundSequence[] _sequences = [new(KurentoMediaType.Audio), new(KurentoMediaType.Video)];
    private readonly long[] _inboundSsrc = [UnknownSsrc, UnknownSsrc];
    private readonly List<IceCandidate> _remoteCandidates = [];
    private readonly List<IceCandidate> _localCandidates = [];
    private NegotiatedStreams? _negotiated;
    private RemoteTransport? _remote; // the browser's ICE credentials and certificates from its last offer; under _control
    private bool _restarted; // from an ICE restart until its path is nominated; under _control
    private RelayRoutes _routes = RelayRoutes.None;
    private KurentoIceState _iceState = KurentoIceState.Disconnected;
    private bool _consentLost; // ICE failed because the selected pair's consent expired, and nothing renewed it since; written under _control, read without it (Volatile) to skip the lock
    private KurentoIceState _iceStateBeforeConsentLoss; // where a renewal of that consent brings the ICE state back; under _control
    private int _dtlsEnded; // the DTLS association closed or failed: no media until a new one (Volatile; a close sets it under _connectionReport)
    private bool _gathered;
    private long _unroutable;
    private long _stale;
    private long _dtlsStarted;
    private long _lastKeyframeRequest; // timestamp of the last keyframe request sent to this browser, 0 = none (Interlocked)
    private long _keyframeRequestsSkipped; // asked within KeyframeRequestInterval of the last one (Interlocked)
    private RetransmissionHistory? _videoHistory; // the video sent to this browser under its current keys, from the first packet (Volatile)
    private long _retransmitted; // packets sent again for this browser's NACKs (Interlocked)
    private long _maxVideoRecvBitrate; // setMaxVideoRecvBandwidth in bits per second, 0 = none; any thread (Volatile)
    private int _disposed;

    public WebRtcSession(WebRtcEndpointSettings settings, IWebRtcSessionObserver observer, WebRtcSessionFactory factory)
    {
        _settings = settings;
        _observer = observer;
        _factory = factory;
        _time = factory.Time;
        _logger = factory.Loggers.CreateLogger<WebRtcSession>();
        var stream = Guid.NewGuid().ToString("N");
        var cname = Guid.NewGuid().ToString("N")[..16];
        _audioIdentity = new LocalStreamIdentity(RandomSsrc(), cname, stream, stream + "-audio");
        _videoIdentity = new LocalStreamIdentity(RandomSsrc(), cname, stream, stream + "-video");
        _transport = OpenTransport(factory);
        factory.Monitor.Add(this);
    }

    /// <summary>What the offer/answer settled; null before <see cref="ProcessOffer"/>.</summary>
    public NegotiatedStreams? Negotiated => Volatile.Read(ref _negotiated);

    public WebRtcTransport Transport => _transport;

    /// <summary>Packets from the browser with a payload type that was not negotiated.</summary>
    public long UnroutablePackets => Interlocked.Read(ref _unroutable);

    /// <summary>Packets of a new source not sent to a sink because their number there was the old source's (see <see cref="OutboundSequence"/>).</summary>
    public long StalePackets => Interlocked.Read(ref _stale);

    /// <summary>Keyframe requests not sent because one went to this browser within <see cref="KeyframeRequestInterval"/>.</summary>
    public long KeyframeRequestsSkipped => Interlocked.Read(ref _keyframeRequestsSkipped);

    /// <summary>Packets sent again to this browser for its NACKs, from <see cref="RetransmissionHistory"/>.</summary>
    public long RetransmittedPackets => Interlocked.Read(ref _retransmitted);

    /// <summary>RTP packets and bytes relayed to this endpoint's browser, both kinds (for <see cref="MediaTotals"/>).</summary>
    public long RelayedPackets => _out[0].Packets + _out[1].Packets;

    public long RelayedBytes => _out[0].Bytes + _out[1].Bytes;

    /// <summary>What this endpoint's outgoing stream of <paramref name="kind"/> adds to its source's numbers (RTCP about it is translated with it).</summary>
    public StreamShift OutboundShift(KurentoMediaType kind) => _sequences[(int)kind].Shift;

    public uint LocalSsrc(KurentoMediaType kind) => kind == KurentoMediaType.Audio ? _audioIdentity.Ssrc : _videoIdentity.Ssrc;

    /// <summary>The SSRC the browser sends <paramref name="kind"/> with: announced in its offer or learned from packets.</summary>
    public uint? InboundSsrc(KurentoMediaType kind) =>
        Volatile.Read(ref _inboundSsrc[(int)kind]) is var ssrc and not UnknownSsrc ? (uint)ssrc : null;

    public void PublishRoutes(RelayRoutes routes) => Volatile.Write(ref _routes, routes);

    /// <summary>
    /// Answers the browser's offer. A second offer is taken only as an ICE restart (RFC 8445 §9): new ice-ufrag and
    /// ice-pwd, the same media sections; see <see cref="Restart"/>. Anything else a second time is 40208, as on KMS.
    /// </summary>
    public string ProcessOffer(string offer)
    {
        SdpAnswer answer;
        lock (_control)
        {
            if (_negotiated is { } negotiated)
            {
                answer = Restart(SessionDescription.Parse(offer), negotiated);
            }
            else
            {
                var description = SessionDescription.Parse(offer);
                AddHostCandidates();
                answer = Answer(description, _transport.Ice.Local);
                Accept(answer);
                _transport.StartDtls(answer.Remote.Fingerprints);
            }
        }

        _factory.Graph.Refresh(this);
        RelayLog.Negotiated(_logger, _settings.EndpointId, _transport.LocalPort);
        return answer.Sdp;
    }

    /// <summary>
    /// The browser restarted ICE (its network changed, or it is a new RTCPeerConnection of a reloaded or reconnecting
    /// page): the answer has new ICE credentials of ours, the same SSRCs and host candidates; the transport drops the old
    /// paths and waits for checks on the new credentials, and, when the offer comes from a new connection (see
    /// <see cref="NewConnection"/>), for a new DTLS handshake. Routes, SSRC rewriting and counters stay: to the peer it is
    /// the same endpoint. Under <c>_control</c>.
    /// </summary>
    private SdpAnswer Restart(SessionDescription description, NegotiatedStreams negotiated)
    {
        var previous = _remote!;
        var answer = WithFreshCredentials(
            credentials =>
            {
                var restarted = Answer(description, credentials);
                if (restarted.Remote.IceUfrag == previous.IceUfrag && restarted.Remote.IcePwd == previous.IcePwd)
                {
                    throw new KurentoErrorException(KurentoErrorCode.SdpEndPointAlreadyNegotiated,
                        "Endpoint already negotiated: a second offer is taken only as an ICE restart (new ice-ufrag and ice-pwd).");
                }

                if (!SameSections(negotiated, NegotiatedStreams.From(restarted)))
                {
                    throw new KurentoErrorException(KurentoErrorCode.SdpEndPointAlreadyNegotiated,
                        "Endpoint already negotiated: an ICE restart must keep the media sections (kinds, mids and directions) of the first offer.");
                }

                var fingerprints = NewConnection(restarted, previous) ? restarted.Remote.Fingerprints : null;
                return _transport.Restart(new IceLiteAgent(credentials, _time), fingerprints) ? restarted : null;
            },
            () => new KurentoErrorException(KurentoErrorCode.SdpEndPointProcessOffer, "No free ICE ufrag for the restart."));

        Accept(answer);
        var newConnection = NewConnection(answer, previous);
        if (newConnection)
        {
            Volatile.Write(ref _dtlsEnded, 0); // a new association is awaited: the old one's end says nothing of it
        }

        _restarted = true;
        _gathered = false; // a restart is a new gathering generation: gatherCandidates reports the candidates again
        _iceState = KurentoIceState.Gathering; // back to checking: Connected and Ready are reported again for the new path

        RelayLog.IceRestarted(_logger, _settings.EndpointId, newConnection);
        return answer;
    }

    /// <summary>
    /// Whether the restarting offer came from another RTCPeerConnection than the last one, whose DTLS client starts a new
    /// handshake: it has another certificate, or another session id (JSEP §5.2.1: each connection draws its own and keeps
    /// it across its offers). The second catches a new connection made with the same certificate, as an app that passes
    /// <c>RTCConfiguration.certificates</c> makes every time; an ICE restart of the same connection keeps both, and its
    /// DTLS association.
    /// </summary>
    private static bool NewConnection(SdpAnswer answer, RemoteTransport previous) =>
        !answer.Remote.Fingerprints.SequenceEqual(previous.Fingerprints) || answer.Remote.SessionId != previous.SessionId;

    /// <summary>
    /// Draws ICE credentials until <paramref name="tryWith"/> accepts them (null: their ufrag is another transport's on
    /// the shared ports, so draw again); after a few unlucky draws, throws <paramref name="exhausted"/>'s exception.
    /// </summary>
    private static T WithFreshCredentials<T>(Func<IceCredentials, T?> tryWith, Func<Exception> exhausted)
        where T : class
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            if (tryWith(IceCredentials.Generate()) is { } result)
            {
                return result;
            }
        }

        throw exhausted();
    }

    private static bool SameSections(NegotiatedStreams before, NegotiatedStreams after)
    {
        foreach (var kind in (ReadOnlySpan<KurentoMediaType>)[KurentoMediaType.Audio, KurentoMediaType.Video])
        {
            var (b, a) = (before[kind], after[kind]);
            if ((b is null) != (a is null)
                || (b is not null && a is not null && (b.Mid != a.Mid || b.BrowserSends != a.BrowserSends || b.BrowserReceives != a.BrowserReceives)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The answer to <paramref name="description"/> under <paramref name="credentials"/>; throws 40201 for a bad offer, changing nothing.</summary>
    private SdpAnswer Answer(SessionDescription description, IceCredentials credentials)
    {
        var local = new LocalTransportParameters(
            credentials.Ufrag, credentials.Password, DtlsCertificate.Shared.Fingerprint, _audioIdentity, _videoIdentity,
            [.. _localCandidates.Select(c => c.ToString())]);
        return SdpAnswerBuilder.Build(description, local, new SdpAnswerOptions
        {
            AllowH264 = _factory.Options.AllowH264,
            MaxVideoBitrate = MaxVideoBitrate,
            VideoStartBitrate = _factory.Options.VideoStartBitrate,
            CanSend = !_settings.RecvOnly,
            CanReceive = !_settings.SendOnly,
            SessionName = "One2One Media Server",
        });
    }

    /// <summary>Publishes what <paramref name="answer"/> settled: the streams and the SSRCs the browser announced. Under <c>_control</c>.</summary>
    private void Accept(SdpAnswer answer)
    {
        var negotiated = NegotiatedStreams.From(answer);
        foreach (var kind in (ReadOnlySpan<KurentoMediaType>)[KurentoMediaType.Audio, KurentoMediaType.Video])
        {
            if (negotiated[kind]?.AnnouncedRemoteSsrc is { } announced)
            {
                Volatile.Write(ref _inboundSsrc[(int)kind], announced);
            }
        }

        _remote = answer.Remote;
        Volatile.Write(ref _negotiated, negotiated);
    }

    /// <summary>
    /// Reports the host candidates, then gathering done. Once only: as KMS (libnice ignores a second
    /// nice_agent_gather_candidates on a stream that is gathering or gathered), a later call succeeds and reports nothing.
    /// </summary>
    public void GatherCandidates()
    {
        var negotiated = Negotiated
            ?? throw new KurentoErrorException(KurentoErrorCode.IceGatherCandidatesError, "gatherCandidates needs a processed offer first (processOffer).");
        string[] candidates;
        lock (_control)
        {
            if (_gathered)
            {
                return;
            }

            _gathered = true;
            candidates = [.. _localCandidates.Select(c => c.ToString())];
        }

        MoveIceState(KurentoIceState.Gathering);
        foreach (var candidate in candidates)
        {
            _observer.IceCandidateFound(candidate, negotiated.BundleMid, negotiated.BundleMLineIndex);
        }

        _observer.IceGatheringDone();
    }

    /// <summary>
    /// Our host candidates: known from the shared ports alone, so the answer carries them and <see cref="GatherCandidates"/>
    /// trickles the same ones (as KMS does, for clients that only listen for IceCandidateFound). Called under <c>_control</c>.
    /// </summary>
    private void AddHostCandidates()
    {
        if (_localCandidates.Count > 0)
        {
            return; // an earlier offer that could not be answered added them already
        }

        // UDP host candidates first, then passive TCP ones (RFC 6544) for browsers whose UDP is blocked.
        var addresses = _factory.AnnouncedAddresses;
        for (var i = 0; i < addresses.Count; i++)
        {
            // RFC 8445 §5.1.2.1: host type preference 126, local preference by order, component 1.
            var priority = (126u << 24) + ((uint)(65535 - i) << 8) + 255;
            _localCandidates.Add(IceCandidate.Host(Foundation(_localCandidates.Count), priority, new IPEndPoint(addresses[i], _transport.LocalPort)));
        }

        for (var i = 0; _transport.TcpPort is { } tcpPort && i < addresses.Count; i++)
        {
            // RFC 6544 §4.2: local preference (2^13 * direction-pref) + other-pref, direction-pref 4 for a passive host
            // candidate: always below every UDP candidate's 65535 - i, so a browser that can use UDP does.
            var priority = (126u << 24) + ((uint)((4 << 13) + 8191 - i) << 8) + 255;
            _localCandidates.Add(IceCandidate.HostTcpPassive(Foundation(_localCandidates.Count), priority, new IPEndPoint(addresses[i], tcpPort)));
        }
    }

    public void AddRemoteCandidate(RemoteIceCandidate candidate)
    {
        if (string.IsNullOrWhiteSpace(candidate.Candidate))
        {
            return; // end-of-candidates
        }

        if (!IceCandidate.TryParse(candidate.Candidate, out var parsed, out var error))
        {
            throw new KurentoErrorException(KurentoErrorCode.IceAddCandidateError, $"Invalid ICE candidate: {error}");
        }

        lock (_control)
        {
            // ICE-lite answers the browser's checks; its candidates only name the pair we report.
            if (_remoteCandidates.Count < MaxRemoteCandidates)
            {
                _remoteCandidates.Add(parsed!);
            }
        }
    }

    public void AddSink(IWebRtcSession sink, KurentoMediaType kind)
    {
        if (kind is KurentoMediaType.Audio or KurentoMediaType.Video)
        {
            var target = (WebRtcSession)sink;
            _factory.Graph.Connect(this, target, kind);
            if (kind == KurentoMediaType.Video && target.Transport.IsSecured)
            {
                RequestKeyframe();
            }
        }
    }

    public void RemoveSink(IWebRtcSession sink, KurentoMediaType kind)
    {
        if (kind is KurentoMediaType.Audio or KurentoMediaType.Video)
        {
            _factory.Graph.Disconnect(this, (WebRtcSession)sink, kind);
        }
    }

    public void SetMaxVideoRecvBandwidth(int kilobitsPerSecond) =>
        Volatile.Write(ref _maxVideoRecvBitrate, kilobitsPerSecond * 1000L);

    /// <summary>
    /// The least time between two keyframe requests to one browser for a change of its own video source: libwebrtc's
    /// encoder ignores requests closer than 300 ms (kMinKeyframeSendIntervalMs), and a keyframe asked for is on its way
    /// meanwhile. Without it a browser that alternated its video SSRC on every packet made us write, encrypt and send a PLI
    /// (outside the send batch) per packet. The requests made for a new decoder (a sink's DTLS, an ICE restart, a new
    /// connection, a control client's requestKeyframe) are rare and always sent.
    /// </summary>
    public static readonly TimeSpan KeyframeRequestInterval = TimeSpan.FromMilliseconds(300);

    public void RequestKeyframe() => RequestKeyframe(limited: false);

    /// <param name="limited">A request for this browser's change of source, sent only <see cref="KeyframeRequestInterval"/> after the last one sent.</param>
    private void RequestKeyframe(bool limited)
    {
        if (InboundSsrc(KurentoMediaType.Video) is not { } mediaSsrc || !_transport.IsSecured)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastKeyframeRequest);
        if (limited && last != 0 && _time.GetElapsedTime(last, now) < KeyframeRequestInterval)
        {
            Interlocked.Increment(ref _keyframeRequestsSkipped);
            return;
        }

        if (Interlocked.CompareExchange(ref _lastKeyframeRequest, now, last) != last && limited)
        {
            // Another worker's request for the same change went out just now.
            Interlocked.Increment(ref _keyframeRequestsSkipped);
            return;
        }

        // A full compound (RR first) so it is valid whether or not reduced-size RTCP was negotiated; on the stack, as a new
        // source's first packet on the relay path asks for one (room after it for SRTCP's trailer and tag).
        Span<byte> packet = stackalloc byte[RtcpWriter.EmptyReceiverReportLength + RtcpWriter.PictureLossIndicationLength + 64];
        var length = RtcpWriter.WriteReceiverReport(packet, LocalSsrc(KurentoMediaType.Video));
        length += RtcpWriter.WritePictureLossIndication(packet[length..], LocalSsrc(KurentoMediaType.Video), mediaSsrc);
        if (!_transport.TrySendRtcp(packet, length))
        {
            // Not sent (no consent, no path yet): it holds back no later request.
            Interlocked.CompareExchange(ref _lastKeyframeRequest, last, now);
        }
    }

    public KurentoIceState IceState
    {
        get
        {
            lock (_control)
            {
                return _iceState;
            }
        }
    }

    public bool IsMediaFlowingIn(KurentoMediaType kind) => kind is KurentoMediaType.Audio or KurentoMediaType.Video && _in[(int)kind].IsFlowing;

    public bool IsMediaFlowingOut(KurentoMediaType kind) => kind is KurentoMediaType.Audio or KurentoMediaType.Video && _out[(int)kind].IsFlowing;

    public IReadOnlyList<WebRtcStreamStats> GetStats()
    {
        var stats = new List<WebRtcStreamStats>();
        var negotiated = Negotiated;
        foreach (var kind in (ReadOnlySpan<KurentoMediaType>)[KurentoMediaType.Audio, KurentoMediaType.Video])
        {
            if (negotiated?[kind] is not { } stream)
            {
                continue;
            }

            var codec = stream.Codecs.Count > 0 ? stream.Codecs[0].Name : "";
            var inbound = _in[(int)kind];
            var outbound = _out[(int)kind];
            stats.Add(new WebRtcStreamStats(kind, true, InboundSsrc(kind) ?? 0, codec, inbound.Packets, inbound.Bytes, _transport.Counters.TotalDropped));
            stats.Add(new WebRtcStreamStats(kind, false, LocalSsrc(kind), codec, outbound.Packets, outbound.Bytes, _transport.Counters.SendFailed));
        }

        return stats;
    }

    /// <summary>Called every second by the monitor: media that stopped, consent that expired.</summary>
    public void CheckTimeouts(long now)
    {
        foreach (var counters in _in)
        {
            if (counters.CheckStopped(_time, now))
            {
                _observer.MediaFlowInStateChanged(counters.Kind, false);
            }
        }

        foreach (var counters in _out)
        {
            if (counters.CheckStopped(_time, now))
            {
                _observer.MediaFlowOutStateChanged(counters.Kind, false);
            }
        }

        // Expired consent also stops what goes to the browser (the transport sends only within consent) until a check renews it.
        var ice = _transport.Ice;
        if (ice.ExpireConsentIfStale(now, ConsentTimeout) && LoseConsent(ice))
        {
            RelayLog.ConsentExpired(_logger, _settings.EndpointId);
        }
    }

    /// <summary>
    /// The selected pair's consent expired (RFC 7675): ICE is failed and the connection down, until a check on that pair
    /// renews consent (<see cref="RegainConsentUnderControl"/>) or an ICE restart gives the browser a new path. False when
    /// a check renewed it since the monitor looked, a restart replaced the agent, or the endpoint was already failed.
    /// </summary>
    private bool LoseConsent(IceLiteAgent ice)
    {
        lock (_control)
        {
            if (!ReferenceEquals(ice, _transport.Ice) || ice.SendTarget is not null || _iceState == KurentoIceState.Failed)
            {
                return false;
            }

            _iceStateBeforeConsentLoss = _iceState;
            _iceState = KurentoIceState.Failed;
            Volatile.Write(ref _consentLost, true);

            // Reported under the lock, as the return is (the observer only enqueues): a check renewing consent on a worker
            // right now cannot have its return reported before this loss, which would leave the client with FAILED.
            _observer.IceComponentStateChanged(1, 1, KurentoIceState.Failed);
            lock (_connectionReport)
            {
                _observer.ConnectionStateChanged(false);
            }
        }

        return true;
    }

    /// <summary>
    /// Consent is back after it expired (a check on the selected pair, the nomination of another one, or the first check
    /// after an ICE restart): the transport sends again, so the endpoint says so. Without a restart, with the ICE states it
    /// had (CONNECTED, then READY for a nominated path: what the call server takes as the media path returned); and the
    /// connection up again if DTLS is. Under <see cref="_control"/>, reporting under it like <see cref="LoseConsent"/>.
    /// </summary>
    private void RegainConsentUnderControl()
    {
        Volatile.Write(ref _consentLost, false);
        if (_iceState == KurentoIceState.Failed)
        {
            _iceState = _iceStateBeforeConsentLoss;
            var first = _iceState >= KurentoIceState.Connected ? KurentoIceState.Connected : _iceState;
            for (var state = first; state <= _iceState; state++)
            {
                _observer.IceComponentStateChanged(1, 1, state);
            }
        }

        // After an ICE restart the state was already moved back; the connection, down since the loss, comes up here if
        // the restart kept DTLS (a new association reports it when its handshake completes).
        lock (_connectionReport)
        {
            if (_transport.IsSecured && Volatile.Read(ref _dtlsEnded) == 0)
            {
                _observer.ConnectionStateChanged(true);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _factory.Graph.Remove(this);
        _factory.Monitor.Remove(this);
        await _transport.DisposeAsync().ConfigureAwait(false);
        _factory.OnDisposed(this);
    }

    void ITransportEvents.OnRtp(Span<byte> buffer, int length, PacketContext context)
    {
        var packet = buffer[..length];
        if (Volatile.Read(ref _negotiated) is not { } negotiated
            || !RtpHeader.TryParse(packet, out var header)
            || !negotiated.TryGetKind(header.PayloadType, out var kind))
        {
            Interlocked.Increment(ref _unroutable);
            return;
        }

        if (header.Ssrc != Volatile.Read(ref _inboundSsrc[(int)kind]))
        {
            LearnInboundSsrc(kind, header.Ssrc);
        }

        var now = _time.GetTimestamp();
        if (_in[(int)kind].Count(length, header.Ssrc, now))
        {
            _observer.MediaFlowInStateChanged(kind, true);
        }

        var routes = Volatile.Read(ref _routes).For(kind);
        for (var i = 0; i < routes.Length; i++)
        {
            var route = routes[i];
            var payloadType = route.PayloadTypes[header.PayloadType & 0x7F];
            if (payloadType == RtpRoute.NoPayloadType)
            {
                continue;
            }

            // Each sink encrypts in place: all but the last work on a copy, the last on the packet itself.
            Span<byte> target = buffer;
            if (i < routes.Length - 1)
            {
                packet.CopyTo(context.Scratch);
                target = context.Scratch;
            }

            var rewritten = route.Sink._sequences[(int)kind].Rewrite(target, header.Ssrc, header.SequenceNumber, header.Timestamp, now, _time.TimestampFrequency);
            if (rewritten == RewriteResult.Stale)
            {
                Interlocked.Increment(ref _stale);
                continue;
            }

            RtpHeader.SetSsrc(target, route.Ssrc);
            RtpHeader.SetPayloadType(target, payloadType);
            if (rewritten == RewriteResult.SourceChanged && kind == KurentoMediaType.Video)
            {
                // A sink's new source (a renegotiated page): its receiver can decode nothing until a keyframe.
                RequestKeyframe(limited: true);
            }

            route.Sink.Send(kind, target, length, route.Ssrc, now, context);
        }
    }

    void ITransportEvents.OnRtcp(Span<byte> buffer, int length, PacketContext context)
    {
        var compound = buffer[..length];
        var nacksAnswered = AnswerNacks(compound, context);
        foreach (var route in Volatile.Read(ref _routes).Rtcp)
        {
            var map = default(SsrcMap);
            route.BuildMap(ref map);
            if (map.Count == 0)
            {
                continue;
            }

            // Feedback goes to the sender's browser, so its REMB is capped by what that endpoint may receive.
            var translated = RtcpTranslator.Translate(compound, context.Scratch, in map, route.Reporter, route.Target.MaxRembBitrate, nacksAnswered);
            if (translated > 0)
            {
                route.Target.Transport.TrySendRtcp(context.Scratch, translated, context);
            }
        }
    }

    void ITransportEvents.OnIceCheck(IceLiteAgent agent, IceCheckResult result)
    {
        if (result is not (IceCheckResult.AddressValidated or IceCheckResult.Nominated or IceCheckResult.ConsentRenewed)
            || (result == IceCheckResult.ConsentRenewed && !Volatile.Read(ref _consentLost)))
        {
            // A routine renewal (every few seconds per browser) takes no lock; only one after consent was lost has work.
            return;
        }

        // A validated address reaches Connecting; a nominated pair Ready. The answer carries our candidates, so a
        // browser's checks can beat gatherCandidates; Kurento's clients see Gathering first all the same (the candidates
        // were gathered with the answer), and every state on the way.
        var target = result == IceCheckResult.Nominated ? KurentoIceState.Ready : KurentoIceState.Connecting;
        KurentoIceState from;
        var keyframe = false;
        lock (_control)
        {
            // The transport reports after letting its gate go, so a restart (under this lock) can come in between: a
            // result of the agent it replaced says nothing of the new credentials, which the browser has not checked yet.
            if (!ReferenceEquals(agent, _transport.Ice))
            {
                return;
            }

            // Asked of the agent, not of this result: whichever check cleared the expiry, the first one reported after it
            // finds consent back (so a renewing check, every few seconds per browser, takes this lock). Checks on another
            // pair leave it expired. An endpoint whose DTLS ended stays failed: no media can flow on it again without a
            // new association, so its path did not return.
            if (_consentLost && agent.SendTarget is not null && Volatile.Read(ref _dtlsEnded) == 0)
            {
                RegainConsentUnderControl();
            }

            if (result == IceCheckResult.ConsentRenewed)
            {
                return;
            }

            from = _iceState;
            if (from < target)
            {
                _iceState = target; // Failed is above Ready: only consent coming back (above) or a restart leaves it
            }

            if (result == IceCheckResult.Nominated)
            {
                keyframe = _restarted;
                _restarted = false;
            }

            // Reported under the lock (the observer only enqueues): checks on two paths at once (Chromium's UDP and ICE-TCP
            // pairs) report on two threads, and a client must see the states in order and last the pair selected last.
            for (var state = from + 1; state <= target; state++)
            {
                _observer.IceComponentStateChanged(1, 1, state);
            }

            if (result != IceCheckResult.Nominated)
            {
                return;
            }

            ReportSelectedPairUnderControl();
        }

        if (keyframe && _transport.IsSecured)
        {
            // The new path after an ICE restart that kept DTLS: what was in flight on the old path is lost, so
            // this browser's decoder needs a keyframe now (a new DTLS association asks in OnSecured instead).
            foreach (var source in Volatile.Read(ref _routes).VideoSources)
            {
                source.RequestKeyframe();
            }
        }
    }

    void ITransportEvents.OnDtlsStateChanged(DtlsConnectionState state, string? reason)
    {
        _observer.DtlsConnectionStateChanged(state);
        switch (state)
        {
            case DtlsConnectionState.Connecting:
                Volatile.Write(ref _dtlsStarted, _time.GetTimestamp());
                break;
            case DtlsConnectionState.Connected when Volatile.Read(ref _dtlsStarted) is var started and not 0:
                _factory.Totals.OnDtlsHandshakeCompleted(_time.GetElapsedTime(started));
                break;
            case DtlsConnectionState.Failed:
                Volatile.Write(ref _dtlsEnded, 1);
                _observer.Error("DTLS_HANDSHAKE_FAILED", (int)KurentoErrorCode.UnexpectedError, reason ?? "The DTLS handshake failed.");
                break;
            case DtlsConnectionState.Closed:
                lock (_connectionReport)
                {
                    Volatile.Write(ref _dtlsEnded, 1);
                    _observer.ConnectionStateChanged(false);
                }

                break;
        }
    }

    void ITransportEvents.OnSecured()
    {
        // A new association is a new page (a reload, a new RTCPeerConnection) with a new encoder: a keyframe request sent
        // to the old one just before holds back none for this one (KeyframeRequestInterval).
        Interlocked.Exchange(ref _lastKeyframeRequest, 0);

        _observer.ConnectionStateChanged(true);
        foreach (var source in Volatile.Read(ref _routes).VideoSources)
        {
            source.RequestKeyframe();
        }
    }

    /// <summary>
    /// This browser's NACKs for the video we send it are answered from <see cref="_videoHistory"/>: the packet was lost
    /// between us and the browser, and the sending browser could not repair it (see <see cref="RetransmissionHistory"/>).
    /// The history is made with the first video packet sent under the browser's keys (<see cref="Send"/>), so the call's
    /// first loss is repaired as well as later ones; a NACK asking for a packet never (or no longer) kept goes on to the
    /// sender, which has it when it was lost on its way to us. True when every NACK in the compound was answered here, so
    /// none is relayed.
    /// </summary>
    /// <remarks>
    /// On the worker reading this browser's transport (its receive gate): one at a time. Each kept packet goes out again at
    /// most <see cref="RetransmissionHistory.MaxResends"/> times, and one compound has at most
    /// <see cref="MaxNackedPerCompound"/> numbers looked up, so a forged NACK costs the worker and the network little.
    /// </remarks>
    private bool AnswerNacks(ReadOnlySpan<byte> compound, PacketContext context)
    {
        if (!RtcpCompound.IsValid(compound))
        {
            return false;
        }

        var answered = false;
        var all = true;
        var asked = 0;
        foreach (var packet in RtcpCompound.Enumerate(compound))
        {
            if (packet.Kind != RtcpPacketKind.GenericNack)
            {
                continue;
            }

            if (packet.MediaSsrc != _videoIdentity.Ssrc)
            {
                all = false;
                continue;
            }

            if (Volatile.Read(ref _videoHistory) is not { } history)
            {
                // No video sent yet under these keys: nothing of ours was lost.
                all = false;
                continue;
            }

            for (var i = 0; i < packet.NackCount; i++)
            {
                var (lost, following) = packet.GetNack(i);
                var numbers = 1 + BitOperations.PopCount(following);
                if (asked + numbers > MaxNackedPerCompound)
                {
                    // More than the whole history asked for at once: the rest is not looked up here (the sender hears it).
                    all = false;
                    break;
                }

                asked += numbers;
                all &= Resend(history, lost, context);
                for (var bit = 0; bit < 16; bit++)
                {
                    if ((following & (1 << bit)) != 0)
                    {
                        all &= Resend(history, (ushort)(lost + bit + 1), context);
                    }
                }
            }

            answered = true;
        }

        return answered && all;
    }

    private bool Resend(RetransmissionHistory history, ushort sequence, PacketContext context)
    {
        if (!_transport.TryResendRtp(history, sequence, context))
        {
            return false;
        }

        Interlocked.Increment(ref _retransmitted);
        return true;
    }

    /// <summary>Encrypts and sends a packet another endpoint relays to this one's browser.</summary>
    private void Send(KurentoMediaType kind, Span<byte> packet, int length, uint ssrc, long now, PacketContext context)
    {
        var history = kind == KurentoMediaType.Video ? VideoHistory() : null;
        if (_transport.TrySendRtp(packet, length, context, history) && _out[(int)kind].Count(length, ssrc, now))
        {
            _observer.MediaFlowOutStateChanged(kind, true);
        }
    }

    /// <summary>
    /// The history of the video sent to this browser, made with the first packet under its keys (about 190 KB, once per
    /// endpoint): a browser on a real network loses a packet sooner or later, and one made at its first NACK could not
    /// repair that loss (its resend from the sender is a replay to us), so the picture froze until the browser asked for a
    /// keyframe, seconds later. Under the browser's next keys (a reload, a new connection) the transport restarts it
    /// rather than it being made again. Null before the browser's keys exist (nothing goes out then).
    /// </summary>
    private RetransmissionHistory? VideoHistory()
    {
        if (Volatile.Read(ref _videoHistory) is { } current)
        {
            return current;
        }

        var epoch = _transport.KeyEpoch;
        if (epoch == 0)
        {
            return null;
        }

        var made = new RetransmissionHistory(epoch);
        return Interlocked.CompareExchange(ref _videoHistory, made, null) ?? made;
    }

    /// <summary>Published, not locked: the routes that translate RTCP read it per compound.</summary>
    private void LearnInboundSsrc(KurentoMediaType kind, uint ssrc)
    {
        Volatile.Write(ref _inboundSsrc[(int)kind], ssrc);
        RelayLog.SsrcLearned(_logger, _settings.EndpointId, kind, ssrc);
    }

    /// <summary>A transport on the factory's ports under fresh ICE credentials (drawn again in the unlikely case a ufrag is taken).</summary>
    private WebRtcTransport OpenTransport(WebRtcSessionFactory factory)
    {
        InvalidOperationException? taken = null;
        return WithFreshCredentials(
            credentials =>
            {
                try
                {
                    return new WebRtcTransport(factory.Ports, new IceLiteAgent(credentials, _time), this, factory.Loggers, _time);
                }
                catch (InvalidOperationException ex)
                {
                    taken = ex;
                    return null;
                }
            },
            () => taken!);
    }

    private bool MoveIceState(KurentoIceState state)
    {
        lock (_control)
        {
            // States only move forward (Gathering → Connecting → Connected → Ready); Failed is left only by a renewal of the
            // consent whose loss failed it (RegainConsentUnderControl) or an ICE restart.
            if (state == _iceState || (state != KurentoIceState.Failed && state < _iceState) || _iceState == KurentoIceState.Failed)
            {
                return false;
            }

            _iceState = state;
            _observer.IceComponentStateChanged(1, 1, state);
        }

        return true;
    }

    /// <summary>The pair selected now (read under the lock, so the last report names the last selection).</summary>
    private void ReportSelectedPairUnderControl()
    {
        if (_transport.Ice.Selected is not { } path)
        {
            return;
        }

        var remote = path.EndPoint;
        var tcp = path.Protocol == IceProtocol.Tcp;
        var local = _localCandidates.FirstOrDefault(c => c.IsTcp == tcp)?.ToString() ?? "";

        // A browser's active TCP candidate names port 9 (RFC 6544 §4.5): its connection comes from another port.
        var remoteCandidate = _remoteCandidates.FirstOrDefault(c => c.IPAddress is { } ip && ip.Equals(remote.Address) && c.IsTcp == tcp && (tcp || c.Port == remote.Port))?.ToString()
            ?? PeerReflexive(remote, tcp);
        _observer.NewCandidatePairSelected("1", 1, local, remoteCandidate);
    }

    private static string Foundation(int index) => (index + 1).ToString(CultureInfo.InvariantCulture);

    private static string PeerReflexive(IPEndPoint remote, bool tcp) =>
        (tcp ? IceCandidate.HostTcpPassive("prflx", PeerReflexivePriority, remote) : IceCandidate.Host("prflx", PeerReflexivePriority, remote)).ToString()
            .Replace("typ host", "typ prflx", StringComparison.Ordinal).Replace("tcptype passive", "tcptype active", StringComparison.Ordinal);

    private static uint RandomSsrc() => (uint)Random.Shared.NextInt64(1, uint.MaxValue);
}
