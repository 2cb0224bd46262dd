using One2One.Kurento;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Limits;

namespace One2One.Server.Media;

/// <summary>
/// A call's media on the media server: one MediaPipeline with a WebRtcEndpoint per participant, connected
/// both ways (back to back, as Kurento's one2one), plus each side's candidate queues. Created with the call;
/// <see cref="ReserveAsync"/> builds the pipeline and both endpoints when the call is placed, before the callee
/// is alerted; <see cref="NegotiateAsync"/> turns both offers into answers when the callee accepts;
/// <see cref="DisposeAsync"/> releases the pipeline, exactly once, whichever way the call ends.
/// </summary>
/// <remarks>
/// <para>
/// Why the media is reserved before ringing: a media server admits a bounded number of endpoints
/// (<c>MediaServer:MaxEndpoints</c>, or a KMS's own resource checks), and the only sure way to know a call fits is to
/// create what it needs. Reserving first means a full server refuses the caller (<c>server-busy</c>) before the
/// callee's phone rings, instead of after the callee has picked up. It also takes the pipeline, two endpoint
/// creations, the event subscriptions and both connects off the path between accept and media (set-up time):
/// after the accept only the two processOffers, the answers and gatherCandidates remain.
/// </para>
/// <para>
/// The cost: a ringing call holds its two endpoints for up to <c>Calls:RingingTimeout</c>, and an unanswered or
/// declined call creates and releases them for nothing. On a real KMS an endpoint has its GStreamer elements and
/// an event-loop thread from its creation (kms_loop_new in kmswebrtcendpoint.c), but gathers no candidates and
/// carries no traffic before its offer and gatherCandidates: a ringing call holds capacity and memory, not bandwidth
/// or media CPU. A user is in at most one call, ringing or not, so ringing calls are bounded as calls are. Offers
/// are still processed only after the accept: the caller's answer is the sign that the call was accepted, and an
/// endpoint that has an offer starts ICE and DTLS.
/// </para>
/// <para>
/// Threading: <see cref="_gate"/> guards <see cref="_pipeline"/>, <see cref="_pumps"/> and <see cref="_disposed"/>;
/// the reservation owns the endpoints until it completes, and the call's state machine orders it before the
/// negotiation (a call is accepted only once ringing, and it rings only once reserved); a renegotiation replaces a
/// leg's endpoint under the gate, and the re-read after a resumed session (CallMediaSession.IceReread.cs) reads it
/// there too; Kurento events arrive on the client's dispatch loop and only post messages or report failures.
/// </para>
/// </remarks>
internal sealed partial class CallMediaSession : IAsyncDisposable
{
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    private readonly string _callId;
    private readonly MediaServerPool _servers;
    private readonly ICallMediaEvents _events;
    private readonly EndpointPreparation _preparation;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Leg _caller;
    private readonly Leg _callee;
    private readonly CancellationTokenSource _lifetime = new(); // cancelled on dispose; never disposed (no timer), so late readers of its token are safe
    private readonly Lock _gate = new();
    private readonly HashSet<string> _errorKindsLogged = new(StringComparer.Ordinal); // under _gate
    private readonly SemaphoreSlim _renegotiation = new(1, 1); // one swap at a time; never disposed (no wait handle is used)
    private readonly List<Task> _pumps = []; // the candidate pumps, for the disposal to wait for; those that ended go as a new one comes
    private MediaPipeline? _pipeline;
    private MediaServerLease? _lease;
    private bool _disposed;

    public CallMediaSession(
        string callId, MediaServerPool servers, ICallMediaEvents events, EndpointPreparation preparation, int maxQueuedCandidates, TimeProvider time, ILogger logger)
    {
        _callId = callId;
        _time = time;
        _servers = servers;
        _events = events;
        _preparation = preparation;
        _logger = logger;
        _caller = new Leg(CallSide.Caller, maxQueuedCandidates);
        _callee = new Leg(CallSide.Callee, maxQueuedCandidates);
    }

    /// <summary>The media server the call's media is on, once <see cref="ReserveAsync"/> chose it.</summary>
    public MediaServerMember? Server
    {
        get
        {
            lock (_gate)
            {
                return _lease?.Server;
            }
        }
    }

    /// <summary>The pipeline's id once created (for logs and tests).</summary>
    public string? PipelineId
    {
        get
        {
            lock (_gate)
            {
                return _pipeline?.Id;
            }
        }
    }

    /// <summary>The id of <paramref name="side"/>'s endpoint, once reserved (for the call's record).</summary>
    public string? EndpointId(CallSide side)
    {
        lock (_gate)
        {
            return LegOf(side).Endpoint?.Id;
        }
    }

    /// <summary>Queues a browser candidate for its endpoint; applied as soon as the endpoint exists.</summary>
    public bool AddBrowserCandidate(CallSide side, IceCandidateInit candidate)
    {
        var kurentoCandidate = new KurentoIceCandidate(candidate.Candidate, candidate.SdpMid ?? "", candidate.SdpMLineIndex ?? 0);
        BrowserCandidateQueue queue;
        lock (_gate)
        {
            queue = LegOf(side).BrowserCandidates;
        }

        var queued = queue.TryAdd(kurentoCandidate);
        if (!queued)
        {
            MediaLog.CandidateDropped(_logger, _callId, side);
        }

        return queued;
    }

    /// <summary>
    /// Reserves the call's media: pipeline, two endpoints (given their STUN/TURN servers), event subscriptions, connections both ways, and the
    /// candidates queued so far applied (the caller's, while this runs). Throws <see cref="KurentoException"/> when the
    /// media server refuses (40009 NOT_ENOUGH_RESOURCES when it is full), <see cref="OperationCanceledException"/>
    /// when the call ended meanwhile or <paramref name="cancellationToken"/> fires; what was made is released by
    /// <see cref="DisposeAsync"/>.
    /// </summary>
    public async Task ReserveAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var ct = linked.Token;

        var lease = TakeLease(() => _servers.Lease());
        MediaPipeline pipeline;
        try
        {
            pipeline = await KeepPipelineAsync(lease.Server.Client.CreateMediaPipelineAsync(CancellationToken.None), ct).ConfigureAwait(false);
            MediaLog.PipelineCreated(_logger, _callId, pipeline.Id);

            // An endpoint the media server refuses (40009) leaves the pipeline, and the endpoint made before it, to
            // DisposeAsync: releasing the pipeline releases its endpoints.
            _caller.Endpoint = await pipeline.CreateWebRtcEndpointAsync(ct).ConfigureAwait(false);
            _callee.Endpoint = await pipeline.CreateWebRtcEndpointAsync(ct).ConfigureAwait(false);
        }
        catch (KurentoException ex) when (ex.Code == KurentoErrorCodes.NotEnoughResources)
        {
            // Full: the next calls go to the other servers for a while, or this one, given back its place, would take them all.
            _servers.NoteFull(lease.Server);
            throw;
        }

        await Task.WhenAll(_preparation.ConfigureAsync(_caller.Endpoint, ct), _preparation.ConfigureAsync(_callee.Endpoint, ct)).ConfigureAwait(false);
        await SubscribeAsync(_caller, _caller.Endpoint, _caller.ServerCandidates, ct).ConfigureAwait(false);
        await SubscribeAsync(_callee, _callee.Endpoint, _callee.ServerCandidates, ct).ConfigureAwait(false);

        await _caller.Endpoint.ConnectAsync(_callee.Endpoint, cancellationToken: ct).ConfigureAwait(false);
        await _callee.Endpoint.ConnectAsync(_caller.Endpoint, cancellationToken: ct).ConfigureAwait(false);

        // Candidates queued so far (the caller's) go in now, in order; later ones as they come.
        StartPumps(_caller.Endpoint, _callee.Endpoint);
    }

    /// <summary>
    /// Takes over the media of a call in progress that another app node ran until it died: the pipeline and both endpoints
    /// on <paramref name="server"/> are held by this node's session from now on (Kurento <c>ref</c>, so they outlive the
    /// dead node's session), their events come here, and both pages' candidates go through as soon as they come (both
    /// hold their answers already). Throws as <see cref="ReserveAsync"/> does (40101 when the media server no longer has
    /// them); what was held is released by <see cref="DisposeAsync"/>.
    /// </summary>
    public async Task TakeOverAsync(MediaServerMember server, string pipelineId, string callerEndpointId, string calleeEndpointId, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var ct = linked.Token;
        // As a create: the hold itself is not cancelled, so a call that ends meanwhile releases what it holds.
        TakeLease(() => _servers.LeaseOn(server));
        var pipeline = await KeepPipelineAsync(server.Client.HoldMediaPipelineAsync(pipelineId, CancellationToken.None), ct).ConfigureAwait(false);
        MediaLog.PipelineTakenOver(_logger, _callId, pipeline.Id);
        _caller.Endpoint = await pipeline.HoldWebRtcEndpointAsync(callerEndpointId, ct).ConfigureAwait(false);
        _callee.Endpoint = await pipeline.HoldWebRtcEndpointAsync(calleeEndpointId, ct).ConfigureAwait(false);
        await SubscribeAsync(_caller, _caller.Endpoint, _caller.ServerCandidates, ct).ConfigureAwait(false);
        await SubscribeAsync(_callee, _callee.Endpoint, _callee.ServerCandidates, ct).ConfigureAwait(false);
        _caller.ServerCandidates.Open(c => _events.DeliverCandidate(CallSide.Caller, c));
        _callee.ServerCandidates.Open(c => _events.DeliverCandidate(CallSide.Callee, c));
        StartPumps(_caller.Endpoint, _callee.Endpoint);
    }

    /// <summary>The call's place on a media server, taken once (<paramref name="lease"/> runs under the gate); throws if the call has ended.</summary>
    private MediaServerLease TakeLease(Func<MediaServerLease> lease)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                throw new OperationCanceledException("The call ended before its media was reserved.");
            }

            if (_lease is null)
            {
                _lease = lease();
                _lease.Server.Client.SessionResumed += OnSessionResumed;
            }

            return _lease;
        }
    }

    /// <summary>
    /// Makes the pipeline <paramref name="obtaining"/> brings the call's, subscribed to its errors. If the call ends first,
    /// stops waiting and releases the pipeline when it comes (the request itself is never cancelled: a cancelled request's
    /// reply is dropped, and what it made would be leaked).
    /// </summary>
    private async Task<MediaPipeline> KeepPipelineAsync(Task<MediaPipeline> obtaining, CancellationToken ct)
    {
        MediaPipeline pipeline;
        try
        {
            pipeline = await obtaining.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _ = ReleaseWhenCreatedAsync(obtaining);
            throw;
        }

        if (!TryAdopt(pipeline))
        {
            await ReleaseAsync(pipeline).ConfigureAwait(false);
            throw new OperationCanceledException("The call ended while its pipeline was being made.");
        }

        await pipeline.SubscribeAsync<MediaErrorOccurred>(e => OnMediaError(e), ct).ConfigureAwait(false);
        return pipeline;
    }

    /// <summary>Starts feeding both endpoints the browsers' candidates: those queued so far in order, later ones as they come.</summary>
    private void StartPumps(WebRtcEndpoint caller, WebRtcEndpoint callee)
    {
        var callerPump = _caller.BrowserCandidates.PumpAsync(caller, OnCandidateRejected, _lifetime.Token);
        var calleePump = _callee.BrowserCandidates.PumpAsync(callee, OnCandidateRejected, _lifetime.Token);
        lock (_gate)
        {
            AddPumpUnderGate(callerPump);
            AddPumpUnderGate(calleePump);
        }
    }

    /// <summary>
    /// Negotiates the reserved media and sends each browser its answer: both processOffers, both answers, then both
    /// gatherCandidates. Throws as <see cref="ReserveAsync"/> does.
    /// </summary>
    public async Task NegotiateAsync(string callerOffer, string calleeOffer, CancellationToken cancellationToken)
    {
        var callerEndpoint = _caller.Endpoint ?? throw new InvalidOperationException("The call's media is not reserved.");
        var calleeEndpoint = _callee.Endpoint ?? throw new InvalidOperationException("The call's media is not reserved.");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var ct = linked.Token;

        // Both offers are processed before either browser hears anything: if one is refused, neither browser
        // was told the call started. They are two objects' requests, so the media server takes them at once.
        var calleeAnswering = calleeEndpoint.ProcessOfferAsync(calleeOffer, ct);
        var callerAnswering = callerEndpoint.ProcessOfferAsync(callerOffer, ct);
        await Task.WhenAll(calleeAnswering, callerAnswering).ConfigureAwait(false);
        var calleeAnswer = await calleeAnswering.ConfigureAwait(false);
        var callerAnswer = await callerAnswering.ConfigureAwait(false);
        await _events.NegotiatedAsync().ConfigureAwait(false);
        // Both answers go out before either endpoint gathers: the caller's is not held back by a round trip to the
        // media server for the callee's candidates (set-up time is the later of the two pages).
        Deliver(_callee, calleeAnswer);
        Deliver(_caller, callerAnswer);
        await Task.WhenAll(calleeEndpoint.GatherCandidatesAsync(ct), callerEndpoint.GatherCandidatesAsync(ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers the page's new offer (an ICE restart, or a new connection after a reload or a lost path). First on the
    /// side's own endpoint: the embedded media server takes an ICE restart there, keeping the endpoint, its SSRCs and
    /// its connections. A media server that refuses a second offer (KMS: a WebRtcEndpoint negotiates once, 40208) gets
    /// the side's media moved to a new endpoint instead: a new endpoint in the same pipeline with the same STUN/TURN servers,
    /// connected both ways with the peer's (which replaces the old one as the peer's source), its answer sent as
    /// Renegotiated, then its candidates; the old endpoint is released. Until the answer is sent, the old endpoint
    /// keeps the call's media; the page's candidates from now on are its new connection's and wait for the new endpoint. Throws as <see cref="ReserveAsync"/> does; a new endpoint that was
    /// made is released with the pipeline.
    /// </summary>
    public async Task RenegotiateAsync(CallSide side, string offer, CancellationToken cancellationToken)
    {
        // The page's candidates for its new connection follow its offer at once: from here on they wait for the new
        // endpoint (this part runs before the hub method returns, so none can slip into the old queue).
        var leg = LegOf(side);
        var queue = new BrowserCandidateQueue(leg.MaxQueuedCandidates);
        BrowserCandidateQueue oldQueue;
        int offerNumber;
        lock (_gate)
        {
            if (_disposed)
            {
                throw new OperationCanceledException("The call has ended.");
            }

            oldQueue = leg.BrowserCandidates;
            leg.BrowserCandidates = queue;
            offerNumber = ++leg.LatestOffer;
            leg.PathLost = true; // the call waits for the new connection (the page's new offer begins its reconnect)
            leg.IceEvents++; // a re-read under way read the connection before this offer
        }

        oldQueue.Close();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var ct = linked.Token;
        await _renegotiation.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (IsSuperseded(leg, offerNumber))
            {
                // A newer offer came while this one waited (the page reloaded, or restarted ICE again): only its answer
                // means anything to the page, which would apply this one's to the wrong connection.
                MediaLog.OfferSuperseded(_logger, _callId, side);
                return;
            }

            var peer = LegOf(side == CallSide.Caller ? CallSide.Callee : CallSide.Caller);
            MediaPipeline pipeline;
            lock (_gate)
            {
                pipeline = _pipeline ?? throw new OperationCanceledException("The call's media is gone.");
            }

            var old = leg.Endpoint ?? throw new InvalidOperationException("The call's media is not negotiated.");
            var peerEndpoint = peer.Endpoint ?? throw new InvalidOperationException("The call's media is not negotiated.");
            if (await TryRestartAsync(old, offer, ct).ConfigureAwait(false) is { } restarted)
            {
                lock (_gate)
                {
                    if (_disposed)
                    {
                        throw new OperationCanceledException("The call ended while its media restarted.");
                    }

                    AddPumpUnderGate(queue.PumpAsync(old, OnCandidateRejected, _lifetime.Token));
                    leg.AnsweredOffer = offerNumber;
                }

                MediaLog.EndpointRestarted(_logger, _callId, side, old.Id);
                if (IsSuperseded(leg, offerNumber))
                {
                    // The newer offer, next in line, restarts it again and answers the page.
                    MediaLog.OfferSuperseded(_logger, _callId, side);
                    return;
                }

                if (!_events.TryDeliverRenegotiated(side, restarted))
                {
                    throw new OperationCanceledException("The call ended before the new answer could be sent.");
                }

                // Its candidates again, after the answer as on a new endpoint (the gate to the page is open already).
                await old.GatherCandidatesAsync(ct).ConfigureAwait(false);
                return;
            }

            var endpoint = await pipeline.CreateWebRtcEndpointAsync(ct).ConfigureAwait(false);
            var candidates = new ServerCandidateGate();
            await _preparation.ConfigureAsync(endpoint, ct).ConfigureAwait(false);
            await SubscribeAsync(leg, endpoint, candidates, ct).ConfigureAwait(false);
            await endpoint.ConnectAsync(peerEndpoint, cancellationToken: ct).ConfigureAwait(false);
            await peerEndpoint.ConnectAsync(endpoint, cancellationToken: ct).ConfigureAwait(false);
            var answer = await endpoint.ProcessOfferAsync(offer, ct).ConfigureAwait(false);

            lock (_gate)
            {
                if (_disposed)
                {
                    throw new OperationCanceledException("The call ended while its media moved.");
                }

                leg.Endpoint = endpoint;
                leg.AnsweredOffer = offerNumber;
                leg.ServerCandidates = candidates;
                AddPumpUnderGate(queue.PumpAsync(endpoint, OnCandidateRejected, _lifetime.Token));
            }

            MediaLog.EndpointReplaced(_logger, _callId, side, old.Id, endpoint.Id);
            if (IsSuperseded(leg, offerNumber))
            {
                // The newer offer, next in line, moves the side again (this endpoint refuses a second offer) and answers
                // the page; this endpoint's answer and candidates stay unsent.
                MediaLog.OfferSuperseded(_logger, _callId, side);
                await ReleaseReplacedAsync(old).ConfigureAwait(false);
                return;
            }

            if (!_events.TryDeliverRenegotiated(side, answer))
            {
                throw new OperationCanceledException("The call ended before the new answer could be sent.");
            }

            candidates.Open(c => _events.DeliverCandidate(side, c));
            await endpoint.GatherCandidatesAsync(ct).ConfigureAwait(false);
            await ReleaseReplacedAsync(old).ConfigureAwait(false);
        }
        finally
        {
            _renegotiation.Release();
        }
    }

    private bool IsSuperseded(Leg leg, int offerNumber)
    {
        lock (_gate)
        {
            return leg.LatestOffer != offerNumber;
        }
    }

    /// <summary>The endpoint's answer to a second offer, or null when the media server negotiates an endpoint only once (40208).</summary>
    private static async Task<string?> TryRestartAsync(WebRtcEndpoint endpoint, string offer, CancellationToken ct)
    {
        try
        {
            return await endpoint.ProcessOfferAsync(offer, ct).ConfigureAwait(false);
        }
        catch (KurentoException ex) when (ex.Code == KurentoErrorCodes.SdpEndPointAlreadyNegotiated)
        {
            return null;
        }
    }

    /// <summary>
    /// The call has ended: every media step stops waiting now, before the participants' clean-up, so nothing more is built
    /// for it (a pipeline that arrives later is released as it comes). <see cref="DisposeAsync"/> releases what was made.
    /// </summary>
    public void Abandon() => _lifetime.Cancel();

    /// <summary>Releases the pipeline (and so both endpoints) exactly once; later calls do nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        MediaPipeline? pipeline;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pipeline = _pipeline;
            _pipeline = null;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _caller.BrowserCandidates.Close();
            _callee.BrowserCandidates.Close();
        }

        if (pipeline is not null)
        {
            await ReleaseAsync(pipeline).ConfigureAwait(false);
        }

        Task pumps;
        MediaServerLease? lease;
        lock (_gate)
        {
            pumps = Task.WhenAll(_pumps);
            lease = _lease;
        }

        try
        {
            await pumps.ConfigureAwait(false);
        }
        finally
        {
            if (lease is not null)
            {
                lease.Server.Client.SessionResumed -= OnSessionResumed;
                lease.Dispose();
            }
        }
    }

    /// <summary>Sends a browser its answer, then lets its endpoint's candidates through (none before the answer).</summary>
    private void Deliver(Leg leg, string answer)
    {
        if (!_events.TryDeliverAnswer(leg.Side, answer))
        {
            throw new OperationCanceledException("The call ended before its answer could be sent.");
        }

        leg.ServerCandidates.Open(c => _events.DeliverCandidate(leg.Side, c));
    }

    /// <summary>
    /// Subscribes to <paramref name="endpoint"/>'s events; its candidates go to <paramref name="candidates"/>, and its ICE
    /// state and errors count only while it is <paramref name="leg"/>'s endpoint (a replaced one is on its way out).
    /// </summary>
    private async Task SubscribeAsync(Leg leg, WebRtcEndpoint endpoint, ServerCandidateGate candidates, CancellationToken ct)
    {
        // Subscribed before any negotiation so no event is missed (Kurento's events.rst order).
        await endpoint.SubscribeAsync<IceCandidateFound>(e => candidates.Add(e.Candidate), ct).ConfigureAwait(false);
        await endpoint.SubscribeAsync<IceComponentStateChanged>(e => OnIceState(leg, endpoint, e), ct).ConfigureAwait(false);
        await endpoint.SubscribeAsync<MediaErrorOccurred>(e => OnMediaError(leg, endpoint, e), ct).ConfigureAwait(false);

        // Best effort: a media server without the event (KMS before 6.7 has neither name) still reports ICE states.
        try
        {
            await endpoint.SubscribeAsync<MediaFlowInStateChanged>(e => OnMediaFlowIn(leg, endpoint, e), ct).ConfigureAwait(false);
        }
        catch (KurentoException ex) when (ex.Code == KurentoErrorCodes.MediaObjectEventNotSupported)
        {
            MediaLog.OptionalEventUnsupported(_logger, _callId, MediaFlowInStateChanged.EventType);
        }
    }

    private void OnIceState(Leg leg, WebRtcEndpoint endpoint, IceComponentStateChanged e)
    {
        MediaLog.IceState(_logger, _callId, leg.Side, e.State);
        if (!IsCurrentNoting(leg, endpoint, e.State))
        {
            return;
        }

        ReportIceState(leg, e.State);
    }

    /// <summary>A lost path may come back (the page restarts ICE or renegotiates): the call decides how long it waits.</summary>
    private void ReportIceState(Leg leg, IceComponentState state)
    {
        if (state == IceComponentState.Failed)
        {
            _events.MediaPathLost(leg.Side, $"ICE failed for the {leg.Side.ToString().ToLowerInvariant()}.");
        }
        else if (state is IceComponentState.Connected or IceComponentState.Ready)
        {
            _events.MediaPathReturned(leg.Side);
        }
    }

    private void OnMediaFlowIn(Leg leg, WebRtcEndpoint endpoint, MediaFlowInStateChanged e)
    {
        MediaLog.MediaFlowIn(_logger, _callId, leg.Side, e.MediaType, e.State);
        if (e.State == MediaFlowState.Flowing && IsCurrentNoting(leg, endpoint, IceComponentState.Connected))
        {
            _events.MediaPathReturned(leg.Side);
        }
    }

    /// <summary>
    /// Whether <paramref name="endpoint"/> is still <paramref name="leg"/>'s; if so, notes what its event said (<paramref name="state"/>)
    /// for <see cref="RereadIceStatesAsync"/>.
    /// </summary>
    private bool IsCurrentNoting(Leg leg, WebRtcEndpoint endpoint, IceComponentState state)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(leg.Endpoint, endpoint))
            {
                return false;
            }

            leg.IceEvents++;
            if (state == IceComponentState.Failed)
            {
                leg.PathLost = true;
            }
            else if (state is IceComponentState.Connected or IceComponentState.Ready)
            {
                leg.PathLost = false;
            }

            return true;
        }
    }

    private void OnMediaError(Leg leg, WebRtcEndpoint endpoint, MediaErrorOccurred e)
    {
        if (IsCurrent(leg, endpoint))
        {
            OnMediaError(e);
        }
    }

    private bool IsCurrent(Leg leg, WebRtcEndpoint endpoint)
    {
        lock (_gate)
        {
            return ReferenceEquals(leg.Endpoint, endpoint);
        }
    }

    private async Task ReleaseReplacedAsync(WebRtcEndpoint endpoint)
    {
        using var timeout = new CancellationTokenSource(ReleaseTimeout, _time);
        try
        {
            await endpoint.ReleaseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KurentoException or OperationCanceledException or ObjectDisposedException)
        {
            // Released with the pipeline at the latest.
            MediaLog.EndpointReleaseFailed(_logger, _callId, endpoint.Id, ex);
        }
    }

    /// <summary>
    /// A media server's Error event. KMS raises one for every GStreamer error <em>and warning</em> of an element (a
    /// decoder's hiccup, a caps mismatch it transcodes around), none of which says the call cannot go on: those are
    /// logged, once per call and kind, and the call's end is left to what really stops media (the path lost, a hang-up).
    /// A failed DTLS handshake (<see cref="DtlsHandshakeFailed"/>, the embedded media server's) leaves the endpoint
    /// without keys for good: that ends the call.
    /// </summary>
    private void OnMediaError(MediaErrorOccurred e)
    {
        if (e.Type == DtlsHandshakeFailed)
        {
            MediaLog.MediaError(_logger, _callId, e.Type, e.ErrorCode, EchoedText.Escaped(e.Description, MaxLoggedErrorLength));
            _events.MediaFailed(Reasons.MediaError, e.Description);
            return;
        }

        bool first;
        lock (_gate)
        {
            first = _errorKindsLogged.Count < MaxErrorKindsLogged && _errorKindsLogged.Add(e.Type);
        }

        if (first)
        {
            MediaLog.MediaWarning(_logger, _callId, e.Type, e.ErrorCode, EchoedText.Escaped(e.Description, MaxLoggedErrorLength));
        }
        else
        {
            MediaLog.MediaWarningAgain(_logger, _callId, e.Type, e.ErrorCode);
        }
    }

    /// <summary>The embedded media server's Error type for a DTLS handshake that failed.</summary>
    internal const string DtlsHandshakeFailed = "DTLS_HANDSHAKE_FAILED";

    /// <summary>Enough of an error's description (KMS adds GStreamer's debug lines) for a log line.</summary>
    private const int MaxLoggedErrorLength = 400;

    /// <summary>Kinds of media server errors logged at Warning per call; the rest at Debug.</summary>
    private const int MaxErrorKindsLogged = 8;

    private void OnCandidateRejected(KurentoIceCandidate candidate, Exception error) =>
        MediaLog.CandidateRejected(_logger, _callId, EchoedText.Escaped(candidate.Candidate, MaxLoggedCandidateLength), EchoedText.Escaped(error.Message, MaxLoggedCandidateLength));

    /// <summary>Enough of a candidate line for its address, port and type.</summary>
    private const int MaxLoggedCandidateLength = 160;

    private bool TryAdopt(MediaPipeline pipeline)
    {
        lock (_gate)
        {
            if (_disposed || _lifetime.IsCancellationRequested)
            {
                return false;
            }

            _pipeline = pipeline;
            return true;
        }
    }

    private async Task ReleaseWhenCreatedAsync(Task<MediaPipeline> creating)
    {
        try
        {
            await ReleaseAsync(await creating.ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KurentoException or ObjectDisposedException)
        {
            // Never created (an error, the client gone), or created too late for anyone to hold: the Kurento client releases
            // a pipeline whose create is answered after its timeout.
        }
    }

    private async Task ReleaseAsync(MediaPipeline pipeline)
    {
        using var timeout = new CancellationTokenSource(ReleaseTimeout, _time);
        try
        {
            await pipeline.ReleaseAsync(timeout.Token).ConfigureAwait(false);
            MediaLog.PipelineReleased(_logger, _callId, pipeline.Id);
        }
        catch (Exception ex) when (ex is KurentoException or OperationCanceledException or ObjectDisposedException)
        {
            // The media server may have lost it already (restart, 40101); nothing else holds it.
            MediaLog.ReleaseFailed(_logger, _callId, pipeline.Id, ex);
        }
    }

    /// <summary>The call's pipeline once made (tests: what it keeps of a renegotiation's replaced endpoint).</summary>
    internal MediaPipeline? Pipeline
    {
        get
        {
            lock (_gate)
            {
                return _pipeline;
            }
        }
    }

    /// <summary>Candidate pumps held for the disposal to wait for (tests: a renegotiation's ended pump is not kept for the call's life).</summary>
    internal int HeldPumpCount
    {
        get
        {
            lock (_gate)
            {
                return _pumps.Count;
            }
        }
    }

    /// <summary>Under <see cref="_gate"/>: keeps <paramref name="pump"/> for the disposal to wait for, and lets go of those that ended.</summary>
    private void AddPumpUnderGate(Task pump)
    {
        _pumps.RemoveAll(static p => p.IsCompleted);
        _pumps.Add(pump);
    }

    private Leg LegOf(CallSide side) => side == CallSide.Caller ? _caller : _callee;

    /// <summary>
    /// One participant's side of the media: its endpoint and candidates both ways. Set by the reservation and read by
    /// the negotiation, which the call's state machine orders after it; replaced whole by a renegotiation under
    /// <see cref="_gate"/>.
    /// </summary>
    private sealed class Leg(CallSide side, int maxQueuedCandidates)
    {
        public CallSide Side { get; } = side;

        public int MaxQueuedCandidates { get; } = maxQueuedCandidates;

        public BrowserCandidateQueue BrowserCandidates { get; set; } = new(maxQueuedCandidates);

        public ServerCandidateGate ServerCandidates { get; set; } = new();

        public WebRtcEndpoint? Endpoint { get; set; }

        /// <summary>The newest of the page's offers (a count, under the session's gate): an older one's answer is for no page.</summary>
        public int LatestOffer { get; set; }

        /// <summary>
        /// Whether the side's path is lost as far as this session has heard (its ICE failed, or its page sent a new offer)
        /// and not back since; under the session's gate.
        /// </summary>
        public bool PathLost { get; set; }

        /// <summary>ICE and media-flow events of the current endpoint heard so far, and offers begun (a count, under the session's gate).</summary>
        public int IceEvents { get; set; }

        /// <summary>
        /// The newest of the page's offers its endpoint has taken (under the session's gate): until it is
        /// <see cref="LatestOffer"/>, the endpoint's ICE state is that of the page's previous connection.
        /// </summary>
        public int AnsweredOffer { get; set; }
    }
}
