using System.Collections.Concurrent;
using System.Collections.Immutable;
using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Server.Limits;

namespace One2One.Server.Calls;

/// <summary>
/// Calls between people connected to different nodes. A call lives on its caller's node, its <em>home</em>, where today's
/// <see cref="Call"/> runs it and its media. The callee is there as a stand-in <see cref="User"/> whose outbox is a
/// <see cref="RemoteOutbox"/> to the callee's node (the <em>member</em>), where the callee's own user holds a
/// <see cref="RemoteCall"/> in its call slot (so busy is decided there) and forwards what its page asks of the call.
/// Both ends talk through <see cref="INodeLink"/>.
/// </summary>
/// <remarks>
/// A member node that dies (Orleans declares it dead) costs its person only the connection: the home holds the stand-in
/// for <see cref="CallOptions.ReconnectWindow"/>, the page resumes at the home through the load balancer with its resume
/// token (the home keeps its current key), and the call goes on. A home that dies has its calls in progress taken over by
/// another node (see <see cref="OnNodeDied"/>); its calls still ringing end for the members' pages.
/// </remarks>
internal sealed partial class CallService
{
    private readonly NodeLink _link;
    private readonly ConcurrentDictionary<string, Arrival> _arrivals = new(StringComparer.Ordinal);
    private INodeLink? _published;

    /// <summary>This node as the others reach it, made at first use (the silo is up by then).</summary>
    private INodeLink Link => LazyInitializer.EnsureInitialized(ref _published, () => _names.Publish(_link));

    /// <summary>
    /// The callee holds their name on another live node: the call is placed here and joined there. The caller's request
    /// ends once the call is open here: asking the callee's node and reserving the media go on in the background, as a
    /// local call's reserving does, so the caller's next requests (a candidate, a hang-up) are not held behind them.
    /// </summary>
    private void PlaceRemoteCall(User caller, NameClaim claim, string sdpOffer, ClientAddress address)
    {
        if (caller.IsInACall)
        {
            throw AlreadyInACall();
        }

        if (!_limits.TryRing(address, claim.Name, out var refusal))
        {
            _rejections.Call(caller, Reasons.RateLimited, refusal);
            return;
        }

        var id = Call.NewId();
        var member = new CallMember(id, claim.Name, claim.Registration);
        var callee = StandIn(member, claim.Link!, claim.Node, resumeKey: "");
        if (OpenCall(caller, callee, sdpOffer, address, id) is not { } call)
        {
            return;
        }

        callee.TryJoin(call);
        _ = JoinAndRingAsync(call, claim, member);
    }

    /// <summary>
    /// A call's member whose page is on another node, as the call here sees them: what the call sends them goes to that
    /// node in order (a <see cref="RemoteOutbox"/>).
    /// </summary>
    private User StandIn(CallMember member, INodeLink link, SiloAddress node, string resumeKey) =>
        new(member.Name, "remote:" + member.CallId, new RemoteOutbox(member, link, node, _limits.Options.OutboxCapacity, _logger),
            resumeKey, Guid.ParseExact(member.Registration, "N"));

    /// <summary>Asks the callee's node to join <paramref name="call"/>; joined, reserves its media and rings, else tells the caller why not.</summary>
    private async Task JoinAndRingAsync(Call call, NameClaim claim, CallMember member)
    {
        await UntilLeftAsync(member).ConfigureAwait(false);
        JoinAnswer joined;
        try
        {
            joined = await claim.Link!.JoinCall(member, call.Caller.Name, Link, _names.Node).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RemoteLog.RequestFailed(_logger, call.Id, claim.Name, ex);
            joined = new JoinAnswer(JoinResult.Reconnecting);
        }

        if (joined.Result == JoinResult.Unknown && await MovingAsync(claim).ConfigureAwait(false))
        {
            joined = new JoinAnswer(JoinResult.Reconnecting);
        }

        if (joined.Result != JoinResult.Joined)
        {
            // Unless the caller hung up or left meanwhile (its end has run, and said all there is to say).
            var refused = false;
            call.TryEnd((_, _) =>
            {
                call.Caller.Leave(call);
                refused = true;
            });
            call.Callee.MarkGone();
            _limits.ReleaseCall(call.Id);
            if (refused)
            {
                var (reason, message) = joined.Result switch
                {
                    JoinResult.Busy => (Reasons.Busy, $"{claim.Name} is busy."),
                    JoinResult.Unknown => (Reasons.UnknownUser, $"No user named {claim.Name} is registered."),
                    _ => (Reasons.Unavailable, $"{claim.Name} is reconnecting. Try again in a moment."),
                };
                _rejections.Call(call.Caller, reason, message);
            }

            return;
        }

        _calls[call.Id] = call;
        if (call.State == CallState.Ended)
        {
            // The caller hung up while the callee's node was asked. The end has run, and its LeftCall may have reached
            // that node before the join did: freeing the slot again there is harmless, a slot left taken is not.
            _calls.TryRemove(call.Id, out _);
            await TellNodeAsync(member, () => claim.Link!.Deliver(member, [ClientDeliveries.LeftCall])).ConfigureAwait(false);
            return;
        }

        var callee = call.Callee;
        callee.ReplaceResumeKey(joined.ResumeKey ?? "");
        _resumeTokens.Add(callee);

        _metrics.CallStarted();
        call.Trace.Start(call.Caller.Name, callee.Name);
        using var scope = call.Trace.Enter(_logger);
        RemoteLog.RemoteCallee(_logger, call.Id, callee.Name, claim.Node);
        await ReserveAndRingAsync(call).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the registration <paramref name="claim"/> named still holds the name although its node no longer knows it:
    /// its page moved to another node (a reload) between the claim's reading and the ring's arrival. The caller is asked
    /// to try again, as for a page reconnecting, rather than told nobody of that name is registered.
    /// </summary>
    private async Task<bool> MovingAsync(NameClaim claim)
    {
        try
        {
            return await _names.LastClaimAsync(claim.Name).ConfigureAwait(false) is { } now && now.Registration == claim.Registration;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RemoteLog.RequestFailed(_logger, "-", claim.Name, ex);
            return false;
        }
    }

    /// <summary>
    /// Tells another node something about <paramref name="member"/> that needs no answer; true once the node has it. A node
    /// out of reach is logged (a dead node's people and calls are handled when membership declares it dead, see
    /// <see cref="OnNodeDied"/>).
    /// </summary>
    private async Task<bool> TellNodeAsync(CallMember member, Func<Task> send)
    {
        try
        {
            await send().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RemoteLog.RequestFailed(_logger, member.CallId, member.Name, ex);
            return false;
        }
    }

    // ---------------- on the member's node ----------------

    /// <summary>The home of a call asks for the user registered as <paramref name="member"/>: joined if free.</summary>
    internal JoinAnswer JoinAsMember(CallMember member, string callerName, INodeLink home, SiloAddress homeNode)
    {
        if (FindMember(member) is not { IsGone: false } user)
        {
            return new JoinAnswer(JoinResult.Unknown);
        }

        if (user.IsDetached)
        {
            return new JoinAnswer(JoinResult.Reconnecting);
        }

        var call = new RemoteCall(member, callerName, home, homeNode);
        if (!user.TryJoin(call))
        {
            CallsLog.Busy(_logger, callerName, user.Name);
            return new JoinAnswer(JoinResult.Busy);
        }

        if (user.IsGone || user.IsDetached)
        {
            // The connection closed while joining; its disconnect may have seen the call and told the home, which ends it.
            user.Leave(call);
            return new JoinAnswer(JoinResult.Reconnecting);
        }

        return new JoinAnswer(JoinResult.Joined, user.ResumeKey);
    }

    /// <summary>
    /// Messages from the call's home for the member's page, in order; a LeftCall frees its slot first. A registration on its
    /// way here (resuming from another node) gets them once it is registered.
    /// </summary>
    internal void DeliverToMember(CallMember member, ImmutableArray<ClientDelivery> messages)
    {
        if (_arrivals.TryGetValue(NameClaims.KeyOf(member.Name), out var arrival) && arrival.TryDeliver(member, messages))
        {
            return;
        }

        DeliverHere(member, messages);
    }

    private void DeliverHere(CallMember member, ImmutableArray<ClientDelivery> messages)
    {
        if (FindMember(member) is not { } user)
        {
            return;
        }

        foreach (var message in messages)
        {
            if (message.Method == ClientMethod.LeftCall)
            {
                if (user.RemoteCall is { } call && call.Id == member.CallId)
                {
                    user.Leave(call);
                }

                continue;
            }

            user.Outbox.Post(client => ClientDeliveries.SendTo(client, message));
        }
    }

    /// <summary>The home says where the call's media is (kept with the member's <see cref="RemoteCall"/>).</summary>
    internal void RecordMemberMedia(CallMember member, string mediaServer, string pipelineId)
    {
        if (FindMember(member)?.RemoteCall is { } call && call.Id == member.CallId)
        {
            call.Media = new CallMediaRecord(mediaServer, pipelineId);
        }
    }

    /// <summary>
    /// The call's home died and <paramref name="home"/> took it over: the member's slot now forwards there (in one
    /// compare-and-swap, so nobody rings the user in between), and a take-over of the same call this node had begun waits
    /// no longer (see <see cref="TakeOverOrEndAsync"/>). False when the member is no longer in that call.
    /// </summary>
    internal bool MoveMemberCall(CallMember member, INodeLink home, SiloAddress homeNode)
    {
        if (FindMember(member) is not { RemoteCall: { } old } user || old.Id != member.CallId)
        {
            return false;
        }

        if (old.HomeNode.Equals(homeNode))
        {
            return true;
        }

        if (!user.TryMove(old, old.MovedTo(home, homeNode)))
        {
            return false;
        }

        old.MarkMoved();
        RemoteLog.CallMoved(_logger, member.CallId, user.Name, homeNode);
        return true;
    }

    /// <summary>
    /// A page's registration moved to another node (<paramref name="to"/>, or its call's home): said before its old
    /// connection here is closed, with that connection's id, so who-is-online moves the name rather than dropping it.
    /// </summary>
    public event Action<string, SiloAddress>? RegistrationMovedAway;

    /// <summary>
    /// The member's page resumed at its call's home, or on <paramref name="to"/>: this node lets the registration go
    /// without ending anything.
    /// </summary>
    internal void LetRegistrationGo(CallMember member, SiloAddress? to = null)
    {
        if (FindMember(member) is not { } user)
        {
            return;
        }

        if ((to ?? user.RemoteCall?.HomeNode) is { } newNode && !user.IsDetached)
        {
            RegistrationMovedAway?.Invoke(user.ConnectionId, newNode);
        }

        var connectionId = user.ConnectionId;
        _users.RemoveName(user);
        _users.Detach(user, connectionId);
        _resumeTokens.Remove(user.ResumeKey, user);
        if (user.RemoteCall is { } call)
        {
            user.Leave(call);
        }

        user.MarkGone();
        ReleaseBothHolders(user, connectionId);
        _connections.Abort(connectionId, "its registration was resumed on another server");
        RemoteLog.TakenOver(_logger, user.Name);
    }

    /// <summary>
    /// A registration that leaves this node gives up its place in its address's quota under whichever holder has it: its
    /// connection's, or the detached one its disconnect moved it to. Read before, IsDetached could change in between (a
    /// disconnect on this node while the page resumed on another), and the place stay taken for good; giving back is
    /// idempotent.
    /// </summary>
    private void ReleaseBothHolders(User user, string connectionId)
    {
        _limits.ReleaseRegistration(connectionId);
        _limits.ReleaseRegistration(DetachedHolder(user));
    }

    private User? FindMember(CallMember member) =>
        _users.FindByName(member.Name) is { } user && user.RegistrationId == member.Registration ? user : null;

    /// <summary>
    /// Forwards a request of <paramref name="call"/>'s member to its home and throws the home's refusal, if any, as this
    /// node's own (already counted at the home).
    /// </summary>
    private async Task ForwardAsync(RemoteCall call, Func<INodeLink, CallMember, Task<RemoteRefusal?>> request)
    {
        RemoteRefusal? refusal;
        try
        {
            refusal = await call.SendAsync(request).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RemoteLog.RequestFailed(_logger, call.Id, call.Member.Name, ex);
            throw _rejections.Invocation("The server your call lives on cannot be reached right now.", Reasons.Unavailable);
        }

        if (refusal is not null)
        {
            if (refusal.Reason == HubRejection.NoCall)
            {
                // The home has no such call: it ended and its notice here was lost. The slot goes, so the person can call.
                FindMember(call.Member)?.Leave(call);
            }

            throw new Refusal(refusal.Reason, refusal.Message);
        }
    }

    /// <summary>
    /// The member's hang-up, done at the call's home. Once the home has answered, the member's slot goes free here too:
    /// the home's own notice of the end (<see cref="ClientMethod.LeftCall"/>) travels apart and may have been lost (a
    /// delivery that failed), and a person must be able to hang up a call that ended without their node hearing of it.
    /// </summary>
    private async Task HangUpAtHomeAsync(User user, RemoteCall remote)
    {
        // A home out of reach answers nothing: its death is handled apart.
        if (await NotifyHomeAsync(remote, (home, member) => home.HangUp(member)).ConfigureAwait(false))
        {
            user.Leave(remote);
        }
    }

    /// <summary>
    /// Tells the home something it only needs to know; true once the home has it. A home out of reach is logged (its death
    /// is handled apart).
    /// </summary>
    private Task<bool> NotifyHomeAsync(RemoteCall call, Func<INodeLink, CallMember, Task> notice) =>
        TellNodeAsync(call.Member, () => call.SendAsync(notice));

    // ---------------- on the call's home ----------------

    /// <summary>
    /// Runs <paramref name="request"/> for the stand-in of <paramref name="member"/> in its call here; a refusal comes back
    /// for the member's node to throw. A call that has ended (or a stand-in whose page resumed here meanwhile) refuses.
    /// </summary>
    internal RemoteRefusal? AtHome(CallMember member, Action<Call, User> request)
    {
        if (!_calls.TryGetValue(member.CallId, out var call) || StandIn(call, member) is not { } user)
        {
            return new RemoteRefusal(HubRejection.NoCall, "The call has ended.");
        }

        try
        {
            request(call, user);
            return null;
        }
        catch (Refusal refusal)
        {
            return new RemoteRefusal(refusal.Reason, refusal.Message);
        }
    }

    private static User? StandIn(Call call, CallMember member) =>
        call.Callee is { IsRemote: true } callee && callee.RegistrationId == member.Registration ? callee
        : call.Caller is { IsRemote: true } caller && caller.RegistrationId == member.Registration ? caller
        : null;

    /// <summary>The member's connection was lost: a call in progress waits (the peer told), one still ringing ends.</summary>
    internal void MemberDetached(Call call, User standIn, TimeSpan window)
    {
        using var scope = call.Trace.Enter(_logger);
        if (!BeginReconnect(call, call.SideOf(standIn), window + _options.CurrentValue.MediaReconnectWindow, extend: true))
        {
            EndInBackground(call, CallEnding.Disconnected(standIn));
        }
    }

    /// <summary>The member's page resumed on its node: its next token's key is kept here too.</summary>
    internal void MemberResumed(User standIn, string resumeKey)
    {
        _resumeTokens.Remove(standIn.ResumeKey, standIn);
        standIn.ReplaceResumeKey(resumeKey);
        _resumeTokens.Add(standIn);
        if (standIn.CurrentCall is { } call)
        {
            KeepRecord(call);
        }
    }

    internal void MemberLeft(Call call, User standIn, bool disconnected)
    {
        using var scope = call.Trace.Enter(_logger);
        EndInBackground(call, disconnected ? CallEnding.Disconnected(standIn) : HangUpOf(standIn, call));
    }

    /// <summary>A callee on another node learns where the call's media is, for the day this node dies (see <see cref="EndHomeLost"/>).</summary>
    private void TellMemberWhereTheMediaIs(Call call)
    {
        if (call.Callee.Outbox is RemoteOutbox remote && call.Media.Server is { } server && call.Media.PipelineId is { } pipeline)
        {
            _ = TellNodeAsync(remote.Member, () => remote.Link.MediaReserved(remote.Member, server.Address, pipeline));
        }
    }

    /// <summary>
    /// A participant leaves the call's slot; one on another node is told before the end it will hear, and a new call from
    /// here to that participant waits until its node has been told (see <see cref="UntilLeftAsync"/>).
    /// </summary>
    private void FreeSlot(User user, Call call)
    {
        user.Leave(call);
        if (user.Outbox is RemoteOutbox remote)
        {
            var registration = remote.Member.Registration;
            var told = remote.PostLeftCall();
            if (!told.IsCompleted)
            {
                _leaving[registration] = told;
                _ = told.ContinueWith(
                    (done, state) => ((CallService)state!)._leaving.TryRemove(new KeyValuePair<string, Task>(registration, done)),
                    this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Registrations on other nodes whose slot this node has freed from a call that ended, until their node has been told
    /// (the <c>LeftCall</c> delivery): the person's next call from here waits for it (bounded), or their node, asked to join
    /// it first, would find them still in the ended call and answer busy. Removed as each is told.
    /// </summary>
    private readonly ConcurrentDictionary<string, Task> _leaving = new(StringComparer.Ordinal);

    private static readonly TimeSpan LeftCallWait = TimeSpan.FromSeconds(2);

    /// <summary>Waits (bounded) until the node of <paramref name="member"/> has been told they left the last call from here.</summary>
    private async Task UntilLeftAsync(CallMember member)
    {
        // Past the wait its node is slow or out of reach: ask all the same; it answers busy or reconnecting if it must.
        if (_leaving.TryGetValue(member.Registration, out var told))
        {
            await told.WaitAtMostAsync(LeftCallWait, _time).ConfigureAwait(false);
        }
    }

    /// <summary>An ended call's stand-ins go; one held here for a node that died gives back the name it re-claimed.</summary>
    private void ForgetStandIns(Call call)
    {
        foreach (var user in (ReadOnlySpan<User>)[call.Caller, call.Callee])
        {
            if (!user.IsRemote)
            {
                continue;
            }

            var heldHere = user.IsDetached;
            _resumeTokens.Remove(user.ResumeKey, user);
            user.MarkGone();
            if (heldHere)
            {
                _ = ReleaseNameQuietlyAsync(user);
            }
        }
    }

    private async Task ReleaseNameQuietlyAsync(User user)
    {
        try
        {
            await _names.ReleaseAsync(user.Name, user.RegistrationId).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CallsLog.NameReleaseFailed(_logger, user.Name, ex);
        }
    }

    /// <summary>
    /// A resume at the home of a stand-in (its node died, or the load balancer sent the page here): the registration is
    /// local from now on, its claim moved here, and its old node told to let go.
    /// </summary>
    private void TakeOverStandIn(User user, CallMember member, INodeLink oldNode, ClientAddress address)
    {
        _users.TryAdd(user);
        _limits.TryHoldRegistration(user.ConnectionId, address, out _);
        _ = MoveClaimHereAsync(user, member, oldNode);
    }

    /// <summary>
    /// Moves the name's claim to this node, then tells the old node to let go. While the old node is dying its claim's
    /// grain may be out of reach until the cluster declares it dead: tried again every quarter second (for at most
    /// <see cref="ClaimMoveAttempts"/>), so the name is this registration's again moments after the declaration.
    /// </summary>
    private async Task MoveClaimHereAsync(User user, CallMember member, INodeLink? oldNode)
    {
        for (var attempt = 1; !user.IsGone; attempt++)
        {
            try
            {
                if (!await _names.TryClaimAsync(user.Name, user.RegistrationId, Link).ConfigureAwait(false))
                {
                    // Someone registered the name in the moment it looked free: they keep it; this registration goes on
                    // here under a name the cluster no longer reserves for it.
                    RemoteLog.ClaimLost(_logger, user.Name);
                }

                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < ClaimMoveAttempts)
            {
                RemoteLog.ClaimMoveRetried(_logger, user.Name, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250), _time).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CallsLog.ClaimFailed(_logger, user.Name, ex);
                break;
            }
        }

        if (oldNode is not null)
        {
            await TellNodeAsync(member, () => oldNode.TakenOver(member)).ConfigureAwait(false);
        }
    }

    /// <summary>Two minutes of quarter-second attempts: longer than Orleans takes to declare a node dead by default.</summary>
    private const int ClaimMoveAttempts = 480;

    private async Task ReleaseOrphanedPipelineAsync(Media.MediaServerMember server, string callId, string pipelineId)
    {
        try
        {
            await server.Client.ReleaseObjectAsync(pipelineId).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Already gone (collected), or the media server is out of reach: it collects the dead node's session itself.
            CallsLog.EndFailed(_logger, callId, ex);
        }
    }

    // ---------------- a node died ----------------

    private void OnNodeDied(SiloAddress node)
    {
        RemoteLog.NodeLost(_logger, node);
        foreach (var call in _calls.Values)
        {
            foreach (var user in (ReadOnlySpan<User>)[call.Caller, call.Callee])
            {
                if (user.Outbox is RemoteOutbox remote && remote.Node.Equals(node))
                {
                    _ = HoldLostMemberAsync(call, user, remote);
                }
            }
        }

        var takeOvers = new List<Task>();
        foreach (var user in _users.All())
        {
            if (user.RemoteCall is { } remoteCall && remoteCall.HomeNode.Equals(node))
            {
                takeOvers.Add(TakeOverOrEndAsync(user, remoteCall, node));
            }
        }

        if (_records.IsEnabled)
        {
            takeOvers.Add(TakeOverCallsOfAsync(node));
        }

        // A resume of a token this node is about to hold waits for these (see ResumeAfterTakeOversAsync).
        var all = Task.WhenAll(takeOvers);
        lock (_takeOverGate)
        {
            _takingOver = _takingOver.IsCompleted ? all : Task.WhenAll(_takingOver, all);
        }
    }

    private readonly Lock _takeOverGate = new();

    /// <summary>The take-overs of the calls of nodes that died, running or done (they never fault); swapped under <see cref="_takeOverGate"/>.</summary>
    private Task _takingOver = Task.CompletedTask;

    /// <summary>
    /// The member's node died with its page's connection: the stand-in is held here for the reconnect window, as a
    /// detached user is, and the name re-claimed for it, so the page can resume here (through the load balancer).
    /// </summary>
    private async Task HoldLostMemberAsync(Call call, User standIn, RemoteOutbox remote)
    {
        try
        {
            var window = _options.CurrentValue.ReconnectWindow;
            Call? endNow = null;
            var held = window > TimeSpan.Zero && standIn.TryDetach(standIn.ConnectionId, current =>
            {
                if (current is not null && !BeginReconnect(current, current.SideOf(standIn), window + _options.CurrentValue.MediaReconnectWindow, extend: true))
                {
                    endNow = current;
                }

                return _time.CreateTimer(_ => _ = OnResumeWindowClosedAsync(standIn), null, window, Timeout.InfiniteTimeSpan);
            });
            if (!held || endNow is not null)
            {
                using var scope = call.Trace.Enter(_logger);
                await EndAsync(call, CallEnding.Disconnected(standIn)).ConfigureAwait(false);
                return;
            }

            await MoveClaimHereAsync(standIn, remote.Member, oldNode: null).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CallsLog.EndFailed(_logger, call.Id, ex);
        }
    }

    /// <summary>
    /// The node a member's call lived on died, and the call could not be taken over (it was still ringing, say): the page
    /// is told the call is over, and unless another node runs the call now (<paramref name="releaseMedia"/> false) its
    /// pipeline is released now (nobody else can: its session on the media server died with the home).
    /// </summary>
    private void EndHomeLost(User user, RemoteCall call, bool releaseMedia = true)
    {
        var wasIn = user.Leave(call);
        if (!wasIn && (call.Moved.IsCompleted || !releaseMedia))
        {
            // Moved to the node that took it over, or left or ended meanwhile with nothing here to release.
            return;
        }

        RemoteLog.HomeLost(_logger, call.Id, user.Name);
        if (releaseMedia && call.Media is { } media && _mediaServers.Find(media.MediaServer) is { } server)
        {
            _ = ReleaseOrphanedPipelineAsync(server, call.Id, media.PipelineId);
        }

        if (!wasIn)
        {
            // The person left it meanwhile: the page knows.
            return;
        }

        user.Outbox.Post(c => c.StopCommunication(new StopCommunication(
            $"The server your call with {call.PeerName} lived on stopped. Call again.", Reasons.ServerShutdown)));
    }
}
