using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Server.Ice;
using One2One.Server.Limits;
using One2One.Server.Media;
using One2One.Server.Observability;

namespace One2One.Server.Calls;

/// <summary>
/// Registration and the life of every call: place, answer, hang up, time out, fail, disconnect.
/// The hub validates the shape of each request and hands it here; identity always comes from the
/// connection's registration, never from the message.
/// </summary>
/// <remarks>
/// State: <see cref="UserRegistry"/> (thread-safe), each <see cref="User"/>'s call slot (compare-and-swap),
/// each <see cref="Call"/>'s state (its own gate) and <see cref="_calls"/> (concurrent, for shutdown and
/// media-server loss). Every message to a browser goes through its user's <see cref="IUserOutbox"/>; every refusal
/// through <see cref="Rejections"/>. What a client may cost is asked of <see cref="ClientLimits"/> first.
/// </remarks>
internal sealed partial class CallService
{
    private readonly UserRegistry _users;
    private readonly MediaServerPool _mediaServers;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<CallOptions> _options;
    private readonly IUserConnections _connections;
    private readonly ClientLimits _limits;
    private readonly Rejections _rejections;
    private readonly IceServerIssuer _ice;
    private readonly EndpointPreparation _endpointPreparation;
    private readonly ILogger<CallService> _logger;
    private readonly One2OneMetrics _metrics;
    private readonly NameClaims _names;
    private readonly CallRecords _records;
    private readonly NodeDeaths _nodeDeaths;
    private readonly ConcurrentDictionary<string, Call> _calls = new(StringComparer.Ordinal);
    private readonly ResumeTokens _resumeTokens = new();
    private bool _handingOver; // set once as the node stops and hands its calls over (HandOver); read by any thread

    public CallService(
        UserRegistry users,
        MediaServerPool mediaServers,
        CallClock clock,
        IOptionsMonitor<CallOptions> options,
        IUserConnections connections,
        ClientLimits limits,
        Rejections rejections,
        IceServerIssuer ice,
        EndpointPreparation endpointPreparation,
        One2OneMetrics metrics,
        NameClaims names,
        NodeDeaths nodeDeaths,
        CallRecords records,
        ILogger<CallService> logger)
    {
        _link = new NodeLink(this);
        _records = records;
        _nodeDeaths = nodeDeaths;
        nodeDeaths.Died += OnNodeDied;
        _names = names;
        _users = users;
        _mediaServers = mediaServers;
        _time = clock.Time;
        _options = options;
        _connections = connections;
        _limits = limits;
        _rejections = rejections;
        _ice = ice;
        _endpointPreparation = endpointPreparation;
        _logger = logger;
        _metrics = metrics;
        _mediaServers.MemberLost += OnMediaServerLost;
    }

    /// <summary>Calls not yet ended (ringing, connecting or in call).</summary>
    public int ActiveCallCount => _calls.Count;

    /// <summary>The calls not yet ended, for checks of the whole state (tests).</summary>
    internal IReadOnlyCollection<Call> ActiveCalls => [.. _calls.Values];

    /// <summary>
    /// Registers <paramref name="rawName"/> for the connection. On success the acceptance is posted to the
    /// new user's outbox (ahead of anything else they will receive) and null is returned; otherwise the
    /// rejection to send.
    /// </summary>
    public async Task<RegisterResponse?> RegisterAsync(string connectionId, string? rawName)
    {
        var address = AddressOf(connectionId);
        if (!_limits.TryRequest(LimitedRequest.Register, connectionId, address, out var refusal))
        {
            return _rejections.Registration(Reasons.RateLimited, refusal);
        }

        if (!UserName.TryNormalize(rawName, out var name, out var error))
        {
            return _rejections.Registration(Reasons.InvalidName, error);
        }

        if (_users.FindByConnection(connectionId) is { } existing)
        {
            if (UserName.Comparer.Equals(existing.Name, name))
            {
                // A fresh token: the server keeps only the last one's key.
                var token = ResumeTokens.NewToken();
                var key = ResumeTokens.KeyOf(token);
                _resumeTokens.Remove(existing.ResumeKey, existing);
                existing.ReplaceResumeKey(key);
                _resumeTokens.Add(existing);
                var again = Acceptance(existing, token);
                existing.Outbox.Post(c => c.RegisterResponse(again));

                // As after a resume: the call's record, and a call's home on another node, keep the new key, so the page can
                // resume with the only token it has left should this node (or the home) die.
                if (existing.CurrentCall is { } call)
                {
                    KeepRecord(call);
                }
                else if (existing.RemoteCall is { } remoteCall)
                {
                    _ = NotifyHomeAsync(remoteCall, (home, member) => home.Resumed(member, key));
                }

                return null;
            }

            return _rejections.Registration(Reasons.AlreadyRegistered, $"You are already registered as {PageText.Name(existing.Name)}.");
        }

        if (!_limits.TryHoldRegistration(connectionId, address, out refusal))
        {
            return _rejections.Registration(Reasons.RateLimited, refusal);
        }

        // The name is claimed across the cluster first; then, on this node, the acceptance is queued before the name is
        // published, so it precedes anything sent to the new user (an incoming call may follow at once); the outbox only
        // starts sending once the name is really ours.
        var resumeToken = ResumeTokens.NewToken();
        var user = new User(name, connectionId, _connections.OpenOutbox(connectionId), ResumeTokens.KeyOf(resumeToken));
        bool claimed;
        try
        {
            claimed = await _names.TryClaimAsync(name, user.RegistrationId, Link).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The name's claim lives on a node that just died, or the cluster's storage is out of reach; or the claim was
            // made and only its answer lost: freed (for this registration only) in the background, or the name would stay
            // taken by nobody while this node lives. The person may try again in a moment.
            CallsLog.ClaimFailed(_logger, name, ex);
            user.MarkGone();
            _limits.ReleaseRegistration(connectionId);
            _ = FreeLostClaimAsync(name, user.RegistrationId);
            return _rejections.Registration(Reasons.ServerBusy, ClusterUnreachableText);
        }

        if (!claimed)
        {
            user.MarkGone();
            _limits.ReleaseRegistration(connectionId);
            return _rejections.Registration(Reasons.NameTaken, $"The name {PageText.Name(name)} is already taken.");
        }

        var acceptance = Acceptance(user, resumeToken);
        user.Outbox.Post(c => c.RegisterResponse(acceptance));
        if (!_users.TryAdd(user))
        {
            // Held on this node after all (the claim should have said so): give the claim back and refuse.
            user.MarkGone();
            _limits.ReleaseRegistration(connectionId);
            await FreeNameAsync(name, user.RegistrationId).ConfigureAwait(false);
            return _rejections.Registration(Reasons.NameTaken, $"The name {PageText.Name(name)} is already taken.");
        }

        user.Outbox.Start();
        _resumeTokens.Add(user);

        CallsLog.Registered(_logger, name, connectionId);
        return null;
    }

    public User? FindUser(string connectionId) => _users.FindByConnection(connectionId);

    /// <summary>
    /// Fresh ICE servers for a registered page (GetIceServers), within the connection's and its address's
    /// <see cref="LimitedRequest.IceServers"/> budget: a page asks before each call and every few minutes of one.
    /// </summary>
    public IceConfiguration IceServersFor(User user)
    {
        if (!_limits.TryRequest(LimitedRequest.IceServers, user.ConnectionId, AddressOf(user.ConnectionId), out var refusal))
        {
            throw _rejections.Invocation(refusal, Reasons.RateLimited);
        }

        return _ice.For(user.Name);
    }

    /// <summary>Offers a call from <paramref name="caller"/> to the user named <paramref name="to"/>.</summary>
    public Task PlaceCallAsync(User caller, string? to, string? sdpOffer)
    {
        RequireSdp(sdpOffer);
        var address = AddressOf(caller.ConnectionId);
        if (!_limits.TryRequest(LimitedRequest.Call, caller.ConnectionId, address, out var refusal))
        {
            _rejections.Call(caller, Reasons.RateLimited, refusal);
            return Task.CompletedTask;
        }

        if (!UserName.TryNormalize(to, out var calleeName, out _))
        {
            _rejections.Call(caller, Reasons.UnknownUser, $"No user named {PageText.Name(EchoedText.Escaped(to?.Trim()))} is registered.");
            return Task.CompletedTask;
        }

        if (_users.FindByName(calleeName) is not { } callee)
        {
            return RingElsewhereAsync(caller, calleeName, sdpOffer!, address);
        }

        PlaceCall(caller, callee, sdpOffer!, address);
        return Task.CompletedTask;
    }

    private const string ClusterUnreachableText = "The server cannot reach the rest of its cluster right now; try again in a moment.";

    /// <summary>
    /// The callee is not registered on this node: registered on another live node of the cluster (the call is placed here
    /// and joined there, see CallService.Remote.cs), or unknown.
    /// </summary>
    private async Task RingElsewhereAsync(User caller, string calleeName, string sdpOffer, ClientAddress address)
    {
        NameClaim? holder = null;
        try
        {
            holder = await _names.HeldElsewhereAsync(calleeName).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nobody can say whether the callee is registered elsewhere (the cluster's storage is out of reach): not
            // "unknown", which the caller would take for a wrong name while the list of who is online still shows it.
            CallsLog.HolderLookupFailed(_logger, calleeName, ex);
            _rejections.Call(caller, Reasons.ServerBusy, ClusterUnreachableText);
            return;
        }

        if (holder is { Link: not null })
        {
            PlaceRemoteCall(caller, holder, sdpOffer, address);
            return;
        }

        if (holder is not null)
        {
            // Registered through a node that does not take calls from others (an older version during an upgrade).
            _rejections.Call(caller, Reasons.Unavailable, $"{PageText.Name(holder.Name)} is connected to another server of this cluster that cannot be reached.");
            return;
        }

        _rejections.Call(caller, Reasons.UnknownUser, $"No user named {PageText.Name(calleeName)} is registered.");
    }

    private void PlaceCall(User caller, User callee, string sdpOffer, ClientAddress address)
    {
        if (ReferenceEquals(callee, caller))
        {
            _rejections.Call(caller, Reasons.SelfCall, "You cannot call yourself.");
            return;
        }

        if (caller.IsInACall)
        {
            // Checked again by TryJoin below; here so a caller in a call spends no ring on the callee.
            throw AlreadyInACall(caller);
        }

        if (callee.IsDetached)
        {
            // Their page lost its connection and may come back (Calls:ReconnectWindow); a ring now would reach nobody.
            _rejections.Call(caller, Reasons.Unavailable, $"{PageText.Name(callee.Name)} is reconnecting. Try again in a moment.");
            return;
        }

        if (!_limits.TryRing(address, caller.Name, callee.Name, out var refusal))
        {
            _rejections.Call(caller, Reasons.RateLimited, refusal);
            return;
        }

        if (OpenCall(caller, callee, sdpOffer, address) is not { } call)
        {
            return;
        }

        if (!callee.TryJoin(call))
        {
            caller.Leave(call);
            _limits.ReleaseCall(call.Id);
            _rejections.Call(caller, Reasons.Busy, $"{PageText.Name(callee.Name)} is busy.");
            CallsLog.Busy(_logger, caller.Name, callee.Name);
            return;
        }

        _calls[call.Id] = call;
        if (call.TryCountActive())
        {
            _metrics.CallStarted();
        }

        call.Trace.Start(caller.Name, callee.Name);
        if (call.State == CallState.Ended)
        {
            // The callee left (signed out, disconnected) as it joined, or the caller's page resumed elsewhere as the call
            // opened (which ends a call not yet in progress): the end has run before the call was listed, perhaps before the
            // callee joined, when freeing the callee's slot did nothing. Left here, or the callee is busy for ever.
            callee.Leave(call);
            _calls.TryRemove(new KeyValuePair<string, Call>(call.Id, call));
            return;
        }

        using var scope = call.Trace.Enter(_logger);
        if (callee.IsGone || callee.IsDetached)
        {
            // The callee's connection closed between the lookup and the join: its disconnect saw no call.
            EndInBackground(call, CallEnding.Disconnected(callee));
            return;
        }

        _ = ReserveAndRingAsync(call);
    }

    /// <summary>
    /// Makes the call and gives it the caller's places: one in its address's call quota, and the caller's slot. Null (the
    /// caller told why) when the quota is full; throws when the caller is in a call already.
    /// </summary>
    private Call? OpenCall(User caller, User callee, string sdpOffer, ClientAddress address, string? id = null)
    {
        var call = new Call(caller, callee, sdpOffer, CreateMedia, id);
        if (!_limits.TryHoldCall(call.Id, address, out var refusal))
        {
            _rejections.Call(caller, Reasons.RateLimited, refusal);
            return null;
        }

        if (!caller.TryJoin(call))
        {
            _limits.ReleaseCall(call.Id);
            throw AlreadyInACall(caller);
        }

        return call;
    }

    /// <summary>The callee's answer to the call ringing from <paramref name="from"/>, wherever the call lives.</summary>
    public Task AnswerAsync(User callee, string? from, string? callResponse, string? sdpOffer)
    {
        if (callee.RemoteCall is { } remote)
        {
            return ForwardAnswerAsync(remote, from, callResponse, sdpOffer);
        }

        Answer(callee, from, callResponse, sdpOffer);
        return Task.CompletedTask;
    }

    /// <summary>
    /// An answer to a call homed on another node, checked here first as the home would check it, and each kind (accept,
    /// decline) sent there once: each is a request between nodes carrying up to an SDP offer, and a ring is answered once,
    /// so a page repeating its answer costs this node only. An answer that did not reach the home may be given again.
    /// </summary>
    private async Task ForwardAnswerAsync(RemoteCall remote, string? from, string? callResponse, string? sdpOffer)
    {
        if (!UserName.Matches(remote.PeerName, from))
        {
            throw _rejections.Invocation($"There is no incoming call from {PageText.Name(EchoedText.Escaped(from?.Trim()))}.", HubRejection.NoSuchCall);
        }

        switch (callResponse)
        {
            case CallAnswers.Accept:
                RequireSdp(sdpOffer);
                break;
            case CallAnswers.Reject:
                break;
            default:
                throw _rejections.Invocation("callResponse must be \"accept\" or \"reject\".", HubRejection.InvalidAnswer);
        }

        var accept = callResponse == CallAnswers.Accept;
        if (!remote.TryStartAnswer(accept))
        {
            // As the home answers a repeat: an accepted call is no longer ringing; a declined (or hung-up) one is gone.
            throw accept
                ? _rejections.Invocation($"The call from {PageText.Name(remote.PeerName)} is no longer ringing.", HubRejection.NotRinging)
                : _rejections.Invocation($"There is no incoming call from {PageText.Name(remote.PeerName)}.", HubRejection.NoSuchCall);
        }

        try
        {
            await ForwardAsync(remote, (home, member) => home.Answer(member, from, callResponse, sdpOffer)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not Refusal refusal || refusal.Reason == Reasons.Unavailable)
        {
            // It did not reach the home (or its fate is unknown): the page may answer again.
            remote.AnswerLost(accept);
            throw;
        }
    }

    /// <summary>The callee's answer to the call ringing from <paramref name="from"/>, the call living here.</summary>
    public void Answer(User callee, string? from, string? callResponse, string? sdpOffer)
    {
        var call = callee.CurrentCall;
        if (call is null || !ReferenceEquals(call.Callee, callee) || !UserName.Matches(call.Caller.Name, from))
        {
            throw _rejections.Invocation($"There is no incoming call from {PageText.Name(EchoedText.Escaped(from?.Trim()))}.", HubRejection.NoSuchCall);
        }

        using var scope = call.Trace.Enter(_logger);

        switch (callResponse)
        {
            case CallAnswers.Reject:
                EndInBackground(call, call.State is CallState.Placing or CallState.Ringing ? CallEnding.Declined(callee) : CallEnding.HungUp(callee));
                return;
            case CallAnswers.Accept:
                RequireSdp(sdpOffer);
                if (!call.TryAccept())
                {
                    throw _rejections.Invocation($"The call from {PageText.Name(call.Caller.Name)} is no longer ringing.", HubRejection.NotRinging);
                }

                CallsLog.Accepted(_logger, call.Id);
                _ = ConnectAsync(call, sdpOffer!, _time.GetTimestamp());
                return;
            default:
                throw _rejections.Invocation("callResponse must be \"accept\" or \"reject\".", HubRejection.InvalidAnswer);
        }
    }

    /// <summary>Ends the user's call, whatever its state and wherever it lives; nothing happens when there is none.</summary>
    public Task StopAsync(User user)
    {
        if (user.RemoteCall is { } remote)
        {
            return HangUpAtHomeAsync(user, remote);
        }

        Stop(user);
        return Task.CompletedTask;
    }

    /// <summary>Ends the user's call living here, whatever its state; nothing happens when there is none.</summary>
    public void Stop(User user)
    {
        if (user.CurrentCall is not { } call)
        {
            return;
        }

        using var scope = call.Trace.Enter(_logger);
        EndInBackground(call, HangUpOf(user, call));
    }

    /// <summary>How <paramref name="user"/> ending <paramref name="call"/> on purpose is told: a ring is cancelled or declined, a call hung up.</summary>
    private static CallEnding HangUpOf(User user, Call call) => call.State is CallState.Placing or CallState.Ringing
        ? (call.SideOf(user) == CallSide.Caller ? CallEnding.Cancelled(user) : CallEnding.Declined(user))
        : CallEnding.HungUp(user);

    /// <summary>
    /// The connection went away. Lost without a hang-up, its user is held for a resume (see <see cref="TryDetachAsync"/>);
    /// closed by the server for cause (<paramref name="mayResume"/> false: it stopped reading), or with resume off, its name
    /// is freed and its call ends at once, the peer told why.
    /// </summary>
    public async Task DisconnectAsync(string connectionId, bool mayResume = true)
    {
        if (mayResume && await TryDetachAsync(connectionId).ConfigureAwait(false))
        {
            return;
        }

        _limits.ReleaseRegistration(connectionId);
        if (_users.Remove(connectionId) is { } user)
        {
            await UnregisterAsync(user, connectionId, leftOnPurpose: false).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The person leaves (hub method Unregister, the SDK's disconnect()): the name is freed at once, not held for a resume,
    /// and a call ends as Stop ends it (a hang-up; a ring cancelled or declined). The connection stays open, unregistered.
    /// Nothing happens when the connection has no registration.
    /// </summary>
    public async Task LeaveAsync(string connectionId)
    {
        _limits.ReleaseRegistration(connectionId);
        if (_users.Remove(connectionId) is { } user)
        {
            await UnregisterAsync(user, connectionId, leftOnPurpose: true).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Lets go of a user no longer in the registry: no resume, its outbox closed, its call ended (as a hang-up when the
    /// person <paramref name="leftOnPurpose"/>, else as a disconnect), then its cluster-wide name freed (a failure there is
    /// logged: the call has ended all the same).
    /// </summary>
    private async Task UnregisterAsync(User user, string connectionId, bool leftOnPurpose)
    {
        _users.RemoveName(user);
        _resumeTokens.Remove(user.ResumeKey, user);
        user.MarkGone();
        CallsLog.Unregistered(_logger, user.Name, connectionId);
        if (user.CurrentCall is { } call)
        {
            using var scope = call.Trace.Enter(_logger);
            try
            {
                await EndAsync(call, leftOnPurpose ? HangUpOf(user, call) : CallEnding.Disconnected(user)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                CallsLog.EndFailed(_logger, call.Id, ex);
            }
        }
        else if (user.RemoteCall is { } remote)
        {
            user.Leave(remote);
            LeaveAtHome(remote, disconnected: !leftOnPurpose);
        }

        await FreeNameAsync(user.Name, user.RegistrationId).ConfigureAwait(false);
    }

    /// <summary>A candidate from the user's browser for its endpoint in the current call, wherever the call lives.</summary>
    public Task AddBrowserCandidateAsync(User user, IceCandidateInit candidate)
    {
        if (!_limits.TryRequest(LimitedRequest.Candidate, user.ConnectionId, AddressOf(user.ConnectionId), out var refusal))
        {
            throw _rejections.Invocation(refusal, Reasons.RateLimited);
        }

        if (user.RemoteCall is { } remote)
        {
            return ForwardAsync(remote, (home, member) => home.AddCandidate(member, candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex));
        }

        ApplyBrowserCandidate(user, candidate);
        return Task.CompletedTask;
    }

    /// <summary>A candidate for the user's endpoint in its call living here (its limits already asked on its own node).</summary>
    public void ApplyBrowserCandidate(User user, IceCandidateInit candidate)
    {
        if (user.CurrentCall is not { } call)
        {
            throw _rejections.Invocation("There is no call in progress for this ICE candidate.", HubRejection.NoCall);
        }

        using var scope = call.Trace.Enter(_logger);

        call.Media.AddBrowserCandidate(call.SideOf(user), candidate);
    }

    /// <summary>
    /// The user's page has a new RTCPeerConnection for the call in progress (a new network, a reload) and offers again:
    /// its side gets a new endpoint in the same pipeline, connected both ways, and the answer comes back as
    /// <c>Renegotiated</c>. Failure ends the call, as a failed set-up does. Counts as a call attempt for the limits.
    /// </summary>
    public Task RenegotiateAsync(User user, string? sdpOffer)
    {
        // Each renegotiation makes an endpoint, as a call does, so it spends from the call attempts' budget.
        if (!_limits.TryRequest(LimitedRequest.Call, user.ConnectionId, AddressOf(user.ConnectionId), out var refusal))
        {
            throw _rejections.Invocation(refusal, Reasons.RateLimited);
        }

        if (user.RemoteCall is { } remote)
        {
            // Checked where the call lives (ApplyRenegotiate), as a local call's offer is.
            return ForwardAsync(remote, (home, member) => home.Renegotiate(member, sdpOffer));
        }

        ApplyRenegotiate(user, sdpOffer);
        return Task.CompletedTask;
    }

    /// <summary>A new offer for the user's call living here (its limits already asked on its own node).</summary>
    public void ApplyRenegotiate(User user, string? sdpOffer)
    {
        RequireSdp(sdpOffer);
        if (user.CurrentCall is not { } call || call.State != CallState.InCall)
        {
            throw _rejections.Invocation("There is no call in progress to renegotiate.", HubRejection.NoCall);
        }

        using var scope = call.Trace.Enter(_logger);
        var side = call.SideOf(user);
        CallsLog.Renegotiating(_logger, call.Id, side);
        BeginReconnect(call, side);
        _ = RenegotiateAndKeepAsync(call, side, sdpOffer!);
    }

    /// <summary>Renegotiates; the call's record then names the side's endpoint (a media server that negotiates once makes a new one).</summary>
    private async Task RenegotiateAndKeepAsync(Call call, CallSide side, string sdpOffer)
    {
        if (await RunMediaStepAsync(call, CallTrace.MediaRenegotiate, ct => call.Media.RenegotiateAsync(side, sdpOffer, ct)).ConfigureAwait(false))
        {
            KeepRecord(call);
        }
    }

    /// <summary>The user muted or unmuted: the peer of its call, wherever the call lives, gets PeerMediaState.</summary>
    public Task RelayMediaStateAsync(User user, MediaState state)
    {
        if (user.RemoteCall is { } remote)
        {
            return ForwardAsync(remote, (home, member) => home.SetMediaState(member, state.Audio, state.Video));
        }

        ApplyMediaState(user, state);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Passes the mute state to the peer only while the call is connecting or in progress, under the call's gate
    /// (<see cref="Call.TryPostWhileLive"/>), so it never follows the call's end.
    /// </summary>
    public void ApplyMediaState(User user, MediaState state)
    {
        if (user.CurrentCall is not { State: CallState.Connecting or CallState.InCall } call)
        {
            throw _rejections.Invocation("There is no call in progress to tell about muting.", HubRejection.NoCall);
        }

        var peer = call.Peer(user);
        call.TryPostWhileLive(() => peer.Outbox.Post(c => c.PeerMediaState(state)));
    }

    /// <summary>Ends every live call (server shutting down) and waits until their media is released.</summary>
    public Task EndAllAsync(Func<CallEnding> ending) => Task.WhenAll(_calls.Values.Select(call => EndAsync(call, ending())));

    /// <summary>
    /// This node is stopping and the rest of the cluster takes its calls over (see <c>NodeStop</c>): from now on a call ends
    /// here only by a hang-up. Anything else that would end one (a media step cut as the stop closes the media server's
    /// session, a timer) leaves it, its record and its pipeline to the node that takes it over.
    /// </summary>
    public void HandOver() => Volatile.Write(ref _handingOver, true);

    /// <summary>Ends the call exactly once: participants freed, the peer(s) told, the media released.</summary>
    public async Task EndAsync(Call call, CallEnding ending, bool onlyIfRinging = false)
    {
        if (Volatile.Read(ref _handingOver) && ending.Reason != Reasons.HungUp)
        {
            CallsLog.LeftForTakeOver(_logger, call.Id, ending.Reason);
            return;
        }

        // The participants go free before either hears the end, so a page that calls again at once is not refused as
        // already in a call.
        if (!call.TryEnd((previous, callerAnswered) =>
            {
                if (previous == CallState.Ringing && WentUnanswered(call, ending))
                {
                    _limits.RingWentUnanswered(call.Id, call.Caller.Name, call.Callee.Name);
                }

                FreeSlot(call.Caller, call);
                FreeSlot(call.Callee, call);
                NotifyEnd(call, ending, previous, callerAnswered);
            }, onlyIfRinging))
        {
            return;
        }

        using var scope = call.Trace.Enter(_logger);
        try
        {
            call.Media.Abandon();
        }
        catch (Exception ex)
        {
            // A media step's cancellation callback failed; the call is over all the same.
            CallsLog.EndFailed(_logger, call.Id, ex);
        }

        if (call.TryCountEnded())
        {
            _metrics.CallEnded(ending.Reason);
        }

        CallsLog.Ended(_logger, ending.IsFailure ? LogLevel.Information : LogLevel.Debug, call.Id, ending.Reason, ending.Detail);
        try
        {
            await call.Media.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The participants were told and freed; what the media server still holds is logged for an operator.
            CallsLog.EndFailed(_logger, call.Id, ex);
        }
        finally
        {
            _limits.ReleaseCall(call.Id);
            _records.Forget(call.Id);
            _calls.TryRemove(call.Id, out _);
            ForgetStandIns(call);
            call.Trace.End(ending.Reason, ending.IsFailure, ending.Detail);
        }
    }

    /// <summary>
    /// Whether a ring that ended counts as unanswered for <see cref="ClientLimits.RingWentUnanswered"/>: no answer, declined,
    /// or cancelled by its caller after ringing half of its ringing timeout (else cancelling just before the timeout and
    /// ringing again would keep the phone ringing without ever meeting the cool-down). Half of the timeout the ring
    /// started with (<see cref="Call.RingingTimeout"/>), not of the setting now: it may have been changed meanwhile.
    /// </summary>
    private bool WentUnanswered(Call call, CallEnding ending) =>
        ending.Reason is Reasons.NoAnswer or Reasons.Declined
        || (ending.Reason == Reasons.Cancelled && call.RingingSince != 0
            && _time.GetElapsedTime(call.RingingSince) >= call.RingingTimeout / 2);

    private bool DeliverAnswer(Call call, CallSide side, string sdpAnswer)
    {
        var user = call.Participant(side);
        return call.TryDeliverAnswer(side, () => user.Outbox.Post(side == CallSide.Caller
            ? c => c.CallResponse(new CallResponse(Responses.Accepted, sdpAnswer))
            : c => c.StartCommunication(new StartCommunication(sdpAnswer))));
    }

    private bool DeliverRenegotiated(Call call, CallSide side, string sdpAnswer)
    {
        var user = call.Participant(side);
        var message = new Renegotiated(sdpAnswer);
        return call.TryPostWhileLive(() => user.Outbox.Post(c => c.Renegotiated(message)));
    }

    private void DeliverCandidate(Call call, CallSide side, KurentoIceCandidate candidate)
    {
        var user = call.Participant(side);
        var message = new IceCandidate(new IceCandidateInit(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex));
        call.TryPostWhileLive(() => user.Outbox.Post(c => c.IceCandidate(message)));
    }

    private void OnMediaPathLost(Call call, CallSide side, string detail)
    {
        if (!BeginReconnect(call, side))
        {
            EndInBackground(call, CallEnding.MediaFailed(Reasons.IceFailed, detail));
        }
    }

    private void OnMediaPathReturned(Call call, CallSide side)
    {
        var user = call.Participant(side);
        var peer = call.Peer(user);
        var message = new PeerReconnected(user.Name);
        if (call.TryEndReconnect(side, () => peer.Outbox.Post(c => c.PeerReconnected(message))))
        {
            CallsLog.Reconnected(_logger, call.Id, side);
        }
    }

    private void OnMediaFailed(Call call, string reason, string detail) =>
        EndInBackground(call, CallEnding.MediaFailed(reason, detail));

    /// <summary>
    /// <paramref name="side"/> is without a media path: its peer is told, and the call ends with ice-failed unless the path
    /// returns within <paramref name="window"/> (by default <see cref="CallOptions.MediaReconnectWindow"/>). With
    /// <paramref name="extend"/> a longer window replaces a shorter one already running. False when the call is not in progress.
    /// </summary>
    private bool BeginReconnect(Call call, CallSide side, TimeSpan? window = null, bool extend = false)
    {
        var user = call.Participant(side);
        var peer = call.Peer(user);
        var message = new PeerReconnecting(user.Name);
        var wait = window ?? _options.CurrentValue.MediaReconnectWindow;
        return call.TryBeginReconnect(side, _time, wait, (c, s, w) => OnReconnectWindowClosed(c, s, w, wait), () =>
        {
            peer.Outbox.Post(c => c.PeerReconnecting(message));
            CallsLog.Reconnecting(_logger, call.Id, side);
        }, extend);
    }

    /// <summary>
    /// <paramref name="user"/>'s page has just resumed into <paramref name="call"/> (here, or as a stand-in's on another
    /// node): if its peer is away now, the page hears PeerReconnecting after its acceptance, as it would have had it not
    /// been away itself; PeerReconnected follows when the peer is back.
    /// </summary>
    private void TellIfPeerReconnecting(Call call, User user)
    {
        var peer = call.Peer(user);
        var message = new PeerReconnecting(peer.Name);
        call.IfReconnecting(call.SideOf(peer), () => user.Outbox.Post(c => c.PeerReconnecting(message)));
    }

    private void OnReconnectWindowClosed(Call call, CallSide side, object window, TimeSpan wait)
    {
        if (call.IsReconnecting(side, window))
        {
            using var scope = call.Trace.Enter(_logger);
            EndInBackground(call, CallEnding.MediaFailed(Reasons.IceFailed,
                $"no media path for the {side.ToString().ToLowerInvariant()} returned within {wait.TotalSeconds:0.#} s."));
        }
    }

    private ClientAddress AddressOf(string connectionId) => _connections.AddressOf(connectionId);


    private Refusal AlreadyInACall(User user) => user.RemoteCall is { HangUpPending: true }
        ? _rejections.Invocation("Your last call is still being ended: the server it lives on cannot be reached right now. Try again in a moment.", HubRejection.AlreadyInCall)
        : _rejections.Invocation("You are already in a call. Hang up first.", HubRejection.AlreadyInCall);

    private CallMediaSession CreateMedia(Call call) =>
        new(call.Id, _mediaServers, new MediaEventsOf(this, call), _endpointPreparation, _options.CurrentValue.MaxQueuedCandidates, _time, _logger);

    private RegisterResponse Acceptance(User user, string resumeToken, string? resumedCallWith = null)
    {
        var ice = _ice.For(user.Name);
        return new RegisterResponse(Responses.Accepted, IceServers: ice.IceServers, IceTransportPolicy: ice.IceTransportPolicy,
            ResumeToken: resumeToken, ResumedCallWith: resumedCallWith, Name: user.Name);
    }

    /// <summary>
    /// Reserves the call's media before the callee hears anything (see <see cref="CallMediaSession"/> for why), then
    /// alerts the callee and starts the ringing timeout. A full media server ends the call with server-busy for the
    /// caller only.
    /// </summary>
    private async Task ReserveAndRingAsync(Call call)
    {
        if (!await RunMediaStepAsync(call, CallTrace.MediaReserve, ct => call.Media.ReserveAsync(ct)).ConfigureAwait(false))
        {
            return;
        }

        TellMemberWhereTheMediaIs(call);
        var callee = call.Callee;
        var alert = new IncomingCall(call.Caller.Name);
        if (call.TryStartRinging(() => callee.Outbox.Post(c => c.IncomingCall(alert)), _time, _options.CurrentValue.RingingTimeout,
            c => EndInBackground(c, CallEnding.NoAnswer(), onlyIfRinging: true)))
        {
            CallsLog.Ringing(_logger, call.Id, call.Caller.Name, callee.Name);
        }
    }

    /// <param name="acceptedAt">When the callee accepted (<see cref="TimeProvider.GetTimestamp"/>), for the set-up time.</param>
    private async Task ConnectAsync(Call call, string calleeOffer, long acceptedAt)
    {
        // Its record is written while the media server answers the offers (and waited for before the pages hear).
        _ = KeepRecordAsync(call);
        if (await RunMediaStepAsync(call, CallTrace.MediaNegotiate, ct => call.Media.NegotiateAsync(call.CallerOffer, calleeOffer, ct)).ConfigureAwait(false)
            && call.TryMarkInCall())
        {
            _metrics.CallSetUp(_time.GetElapsedTime(acceptedAt));
            CallsLog.InCall(_logger, call.Id, call.Media.PipelineId);
        }
    }

    /// <summary>
    /// Runs one step of the call's media set-up within <see cref="CallOptions.MediaSetupTimeout"/>; on failure ends the
    /// call with the reason the failure means. False when the step did not complete (the call has ended or is ending).
    /// </summary>
    private async Task<bool> RunMediaStepAsync(Call call, string name, Func<CancellationToken, Task> step)
    {
        using var timeout = new CancellationTokenSource(_options.CurrentValue.MediaSetupTimeout, _time);
        using var setup = CallTrace.StartMediaStep(name);
        try
        {
            await step(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (call.EndedToken.IsCancellationRequested)
        {
            // Ended meanwhile (hang-up, disconnect, timeout): EndAsync released what was made.
        }
        catch (OperationCanceledException ex)
        {
            CallTrace.Failed(setup, ex);
            await EndAsync(call, CallEnding.MediaFailed(Reasons.MediaError, "the media server did not set the call up in time.")).ConfigureAwait(false);
        }
        catch (KurentoException ex) when (ex.Code == KurentoErrorCodes.NotEnoughResources)
        {
            CallTrace.Failed(setup, ex);
            _rejections.Counted(Reasons.ServerBusy);
            CallsLog.MediaServerFull(_logger, call.Id, ex.Message);
            await EndAsync(call, CallEnding.MediaFailed(Reasons.ServerBusy, ex.Message)).ConfigureAwait(false);
        }
        catch (KurentoException ex)
        {
            CallTrace.Failed(setup, ex);
            CallsLog.MediaSetupFailed(_logger, call.Id, ex.Code, ex);
            var reason = ex.Code is KurentoErrorCodes.SdpParseError or 40205 or 40207 ? Reasons.InvalidOffer : Reasons.MediaError;
            await EndAsync(call, CallEnding.MediaFailed(reason, ex.Message)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CallTrace.Failed(setup, ex);
            CallsLog.MediaSetupFailed(_logger, call.Id, 0, ex);
            await EndAsync(call, CallEnding.MediaFailed(Reasons.MediaError, "the media server could not be reached.")).ConfigureAwait(false);
        }

        return false;
    }

    private void NotifyEnd(Call call, CallEnding ending, CallState previous, bool callerAnswered)
    {
        foreach (var side in (ReadOnlySpan<CallSide>)[CallSide.Caller, CallSide.Callee])
        {
            var user = call.Participant(side);

            // A callee is told of a call only once it rings: one refused while its media was reserved is not news.
            if (ReferenceEquals(user, ending.EndedBy) || (side == CallSide.Callee && previous == CallState.Placing))
            {
                continue;
            }

            var message = ending.MessageFor(user, call.Peer(user), side);
            if (side == CallSide.Caller && !callerAnswered)
            {
                user.Outbox.Post(c => c.CallResponse(new CallResponse(Responses.Rejected, null, message, ending.Reason)));
            }
            else
            {
                user.Outbox.Post(c => c.StopCommunication(new StopCommunication(message, ending.Reason)));
            }
        }
    }

    private void EndInBackground(Call call, CallEnding ending, bool onlyIfRinging = false) => _ = EndSafelyAsync(call, ending, onlyIfRinging);

    private async Task EndSafelyAsync(Call call, CallEnding ending, bool onlyIfRinging)
    {
        try
        {
            await EndAsync(call, ending, onlyIfRinging).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CallsLog.EndFailed(_logger, call.Id, ex);
        }
    }

    private void OnMediaServerLost(MediaServerMember server, string reason)
    {
        CallsLog.MediaServerSessionLost(_logger, reason);
        // A ringing call holds media from the moment it is placed: its reservation on that server is gone too. Calls on
        // the other media servers go on.
        foreach (var call in _calls.Values)
        {
            if (ReferenceEquals(call.Media.Server, server))
            {
                EndInBackground(call, CallEnding.MediaFailed(Reasons.MediaServerLost, reason));
            }
        }
    }

    private void RequireSdp(string? sdp)
    {
        if (string.IsNullOrWhiteSpace(sdp))
        {
            throw _rejections.Invocation("An SDP offer is required.", HubRejection.MissingOffer);
        }

        var limit = _limits.Options.MaxSdpOfferBytes;
        if (sdp.Length > limit || Encoding.UTF8.GetByteCount(sdp) > limit)
        {
            throw _rejections.Invocation($"The SDP offer is larger than {limit} bytes.", HubRejection.OfferTooLarge);
        }

        // No browser writes control characters in an offer, and each would take six bytes (\u00XX) in the JSON of the
        // media server's request: an offer of them could outgrow the control connection's largest message, which closes it
        // for every call on it.
        if (sdp.AsSpan().ContainsAny(ControlCharacters.InText))
        {
            throw _rejections.Invocation("The SDP offer contains control characters.", HubRejection.InvalidRequest);
        }
    }
}
