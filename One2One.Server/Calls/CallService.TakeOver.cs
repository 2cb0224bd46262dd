using System.Collections.Concurrent;
using One2One.Server.Cluster;
using One2One.Server.Media;

namespace One2One.Server.Calls;

/// <summary>
/// Calls that outlive their home. A call in progress is recorded in the cluster's storage (<see cref="CallRecords"/>: its
/// media server, pipeline and endpoints, its participants with the keys of their resume tokens, and where their pages
/// are); when its home dies, another node takes it over: the media server never stopped relaying it, so this node holds
/// its pipeline and endpoints (Kurento <c>ref</c>) and runs the call from there. The node of a participant connected
/// elsewhere takes the call over (the participant is local to it); a call whose two pages were on the dead node goes to
/// the first survivor to claim the dead node's list. A participant whose page died with the node is held here as a
/// detached registration for <see cref="CallOptions.ReconnectWindow"/>, its name claimed here, its peer told it is
/// reconnecting; its page resumes here (or on any node, which asks this one) and offers again, and the call goes on.
/// </summary>
/// <remarks>
/// Calls still ringing or being set up are not recorded and end with their home. When both participants had moved off the
/// home onto two other live nodes, the first of those to ask takes the call over and the other participant stays where
/// its page is, as the member of a call between nodes: the new home tells its node (<see cref="INodeLink.CallMoved"/>),
/// whose own take-over waits for that rather than ending its side.
/// </remarks>
internal sealed partial class CallService
{
    /// <summary>The take-overs running on this node, by call id (see <see cref="TryRunTakenOverAsync"/>).</summary>
    private readonly ConcurrentDictionary<string, Task<bool>> _takeOvers = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="call"/>'s current record in the background, if it is in progress (no-op in a cluster of one).</summary>
    private void KeepRecord(Call call)
    {
        if (call.State == CallState.InCall)
        {
            _ = KeepRecordAsync(call);
        }
    }

    /// <summary>
    /// Writes <paramref name="call"/>'s current record (no-op in a cluster of one). The first is written when the callee
    /// accepts, while the media server answers both offers, and waited for before the pages hear their answers (see
    /// <see cref="ICallMediaEvents.NegotiatedAsync"/>): a page that holds its answer is in a call another node can take
    /// over. A write that fails or takes longer than <see cref="CallRecords.WriteWait"/> is logged and the call goes on.
    /// </summary>
    private Task KeepRecordAsync(Call call)
    {
        if (!_records.IsEnabled || call.State is not (CallState.Connecting or CallState.InCall) || call.Media.Server is not { } server
            || call.Media.PipelineId is not { } pipeline
            || call.Media.EndpointId(CallSide.Caller) is not { } callerEndpoint || call.Media.EndpointId(CallSide.Callee) is not { } calleeEndpoint)
        {
            return Task.CompletedTask;
        }

        return _records.SaveAsync(new CallRecord(call.Id, _records.Node, server.Address, pipeline, PartyOf(call.Caller, callerEndpoint), PartyOf(call.Callee, calleeEndpoint)));
    }

    private CallParty PartyOf(User user, string endpointId) =>
        new(user.Name, user.RegistrationId, user.ResumeKey, endpointId, user.Outbox is RemoteOutbox remote ? remote.Node : _records.Node);

    /// <summary>A member's call lost its home: taken over here if it was in progress, else ended for the member's page.</summary>
    private async Task TakeOverOrEndAsync(User user, RemoteCall remoteCall, SiloAddress deadHome)
    {
        var taken = new CallTakeOver(TakeOverResult.None);
        try
        {
            if (_records.IsEnabled)
            {
                taken = await _records.TakeOverAsync(remoteCall.Id, deadHome).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Unknown whether another survivor took it: as if one did (it moves this side, or the wait runs out), and
            // the media is not released from here.
            CallsLog.TakeOverFailed(_logger, remoteCall.Id, ex);
            taken = new CallTakeOver(TakeOverResult.TakenElsewhere);
        }

        try
        {
            if (taken is { Result: TakeOverResult.Taken, Record: { } record })
            {
                if (!await TryRunTakenOverAsync(record, deadHome).ConfigureAwait(false))
                {
                    EndHomeLost(user, remoteCall, releaseMedia: false);
                }

                return;
            }

            if (taken.Result == TakeOverResult.TakenElsewhere)
            {
                // If this page is on neither that node nor the dead one, the new home moves it (MoveMemberCall) once it
                // runs the call: wait for that, within the new home's own bound on a take-over. EndHomeLost leaves a
                // moved call alone.
                await remoteCall.Moved.WaitAtMostAsync(_options.CurrentValue.MediaSetupTimeout + CallRecords.WriteWait, _time).ConfigureAwait(false);
            }

            EndHomeLost(user, remoteCall, releaseMedia: taken.Result == TakeOverResult.None);
        }
        catch (Exception ex)
        {
            // The user's slot must not keep pointing at a dead home (a hang-up could not free it): its side ends, unless
            // the failed take-over had already moved it into the call here. The media is left alone.
            CallsLog.TakeOverFailed(_logger, remoteCall.Id, ex);
            EndHomeLost(user, remoteCall, releaseMedia: false);
        }
    }

    /// <summary>
    /// The calls whose both pages were on <paramref name="deadNode"/>, taken over here if this node is the first survivor to
    /// ask for its list; calls with a participant on another live node are left to that node.
    /// </summary>
    private async Task TakeOverCallsOfAsync(SiloAddress deadNode)
    {
        string[] callIds;
        try
        {
            callIds = await _records.TakeCallsOfAsync(deadNode).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CallsLog.TakeOverFailed(_logger, "-", ex);
            return;
        }

        foreach (var callId in callIds)
        {
            try
            {
                if (await _records.ReadAsync(callId).ConfigureAwait(false) is not { } record
                    || IsOnAnotherLiveNode(record.Caller, deadNode) || IsOnAnotherLiveNode(record.Callee, deadNode))
                {
                    continue;
                }

                if (await _records.TakeOverAsync(callId, deadNode).ConfigureAwait(false) is { Result: TakeOverResult.Taken, Record: { } taken })
                {
                    await TryRunTakenOverAsync(taken, deadNode).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                CallsLog.TakeOverFailed(_logger, callId, ex);
            }
        }
    }

    private bool IsOnAnotherLiveNode(CallParty party, SiloAddress deadNode) => !party.Node.Equals(deadNode) && !_nodeDeaths.IsDead(party.Node);

    /// <summary>
    /// Runs the recorded call here from now on. False when it cannot be (its media server is not one of this node's, its
    /// media is gone, a participant left meanwhile, or one on a third node can no longer be reached through its name's
    /// claim): what was held is released, and the pages told.
    /// </summary>
    private async Task<bool> TryRunTakenOverAsync(CallRecord record, SiloAddress deadHome)
    {
        // Both participants may be here, each with its own take-over of the one call (a page resumed here before the home
        // died): the first runs it, the other waits for its outcome. Two would each hold the pipeline, and the loser end
        // the call as a participant's leaving, releasing the media the winner runs.
        var mine = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_takeOvers.TryAdd(record.CallId, mine.Task))
        {
            return _takeOvers.TryGetValue(record.CallId, out var running) ? await running.ConfigureAwait(false) : _calls.ContainsKey(record.CallId);
        }

        try
        {
            var taken = await RunTakenOverAsync(record, deadHome).ConfigureAwait(false);
            mine.SetResult(taken);
            return taken;
        }
        catch
        {
            // The waiting side ends as for a call that could not be run here; this side's caller logs the failure.
            mine.SetResult(false);
            throw;
        }
        finally
        {
            _takeOvers.TryRemove(KeyValuePair.Create(record.CallId, mine.Task));
        }
    }

    private async Task<bool> RunTakenOverAsync(CallRecord record, SiloAddress deadHome)
    {
        if (_calls.ContainsKey(record.CallId))
        {
            return true;
        }

        // A call that cannot be run here is left to the media server, which collects the dead node's session (and with it
        // the call's pipeline, held by nobody else); its record goes.
        if (_mediaServers.Find(record.MediaServer) is not { } server)
        {
            CallsLog.TakeOverRefused(_logger, record.CallId, $"its media server {record.MediaServer} is not one this node uses");
            _records.Drop(record.CallId);
            return false;
        }

        if (await ParticipantAsync(record, record.Caller, deadHome).ConfigureAwait(false) is not { } caller
            || await ParticipantAsync(record, record.Callee, deadHome).ConfigureAwait(false) is not { } callee)
        {
            CallsLog.TakeOverRefused(_logger, record.CallId, "a participant is no longer in the call, or its node cannot be reached");
            _records.Drop(record.CallId);
            return false;
        }

        var call = new Call(caller.User, callee.User, callerOffer: "", CreateMedia, record.CallId);
        call.TryRestoreInCall();
        using var scope = call.Trace.Enter(_logger);
        try
        {
            using var timeout = new CancellationTokenSource(_options.CurrentValue.MediaSetupTimeout, _time);
            await call.Media.TakeOverAsync(server, record.PipelineId, record.Caller.EndpointId, record.Callee.EndpointId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Gone from the media server (or out of reach): nothing to run. What was held goes.
            CallsLog.TakeOverFailed(_logger, record.CallId, ex);
            await call.Media.DisposeAsync().ConfigureAwait(false);
            _records.Drop(record.CallId);
            return false;
        }

        foreach (var participant in (ReadOnlySpan<TakenParticipant>)[caller, callee])
        {
            if (participant.From is { } remote ? !participant.User.TryMoveHere(remote, call) : !participant.User.TryJoin(call))
            {
                // The member hung up or went in the meantime: the call ends as their leaving does. The other participant
                // here may not have been moved into the call yet: its slot, still on the dead home's call, goes free too,
                // or it would stay busy (and refused as "already in a call") for as long as it stays registered.
                await EndTakenOverAsync(call, CallEnding.Disconnected(participant.User), caller, callee).ConfigureAwait(false);
                foreach (var other in (ReadOnlySpan<TakenParticipant>)[caller, callee])
                {
                    if (other.From is { } stillThere)
                    {
                        other.User.Leave(stillThere);
                    }
                }

                return true;
            }
        }

        if (CannotGoOn(caller, callee) is { } ending)
        {
            // A participant here hung up while the dead home could not be told, or is still waiting for the answer the
            // dead home never sent: the call ends, never run on as in progress.
            await EndTakenOverAsync(call, ending, caller, callee).ConfigureAwait(false);
            return true;
        }

        foreach (var participant in (ReadOnlySpan<TakenParticipant>)[caller, callee])
        {
            if (participant.Elsewhere is not null)
            {
                // Before the call can end (and forget its stand-ins' tokens): its page may resume here, should its node die.
                _resumeTokens.Add(participant.User);
            }
        }

        _calls[call.Id] = call;
        if (call.TryCountActive())
        {
            _metrics.CallTakenOver();
        }

        call.Trace.Start(call.Caller.Name, call.Callee.Name);
        CallsLog.CallTakenOver(_logger, call.Id, deadHome);
        foreach (var participant in (ReadOnlySpan<TakenParticipant>)[caller, callee])
        {
            if (participant.Elsewhere is { } member)
            {
                // Its page goes on where it is; its node forwards to this one from now on.
                _ = TellCallMovedAsync(call, participant.User, member);
            }
            else if (participant.From is null)
            {
                HoldForResume(call, participant.User);
            }
        }

        if (call.State == CallState.Ended)
        {
            // Ended at once (HoldForResume with resume off): its record, claimed for this node and never written from
            // here, goes.
            _records.Drop(call.Id);
            return true;
        }

        KeepRecord(call);
        return true;
    }

    /// <summary>
    /// Ends a taken-over call that cannot go on: its pipeline released once, the participants told, and its record (claimed
    /// for this node, never written from here) dropped. A page that went with the dead node keeps its registration for a
    /// resume, without the call.
    /// </summary>
    private async Task EndTakenOverAsync(Call call, CallEnding ending, TakenParticipant caller, TakenParticipant callee)
    {
        _calls[call.Id] = call;
        if (call.TryCountActive())
        {
            _metrics.CallTakenOver();
        }

        await EndAsync(call, ending).ConfigureAwait(false);
        foreach (var participant in (ReadOnlySpan<TakenParticipant>)[caller, callee])
        {
            if (participant is { From: null, Elsewhere: null })
            {
                HoldForResume(call, participant.User);
            }
        }

        _records.Drop(call.Id);
    }

    /// <summary>
    /// Why a taken-over call cannot go on, if it cannot: a participant here hung up and the dead home never answered
    /// (<see cref="RemoteCall.HangUpPending"/>), or a participant's page here never had its SDP answer
    /// (<see cref="RemoteCall.Answered"/>; the call was still being set up when its home died).
    /// </summary>
    private static CallEnding? CannotGoOn(TakenParticipant caller, TakenParticipant callee)
    {
        if (caller.From is { HangUpPending: true } || callee.From is { HangUpPending: true })
        {
            return CallEnding.HungUp(caller.From is { HangUpPending: true } ? caller.User : callee.User);
        }

        return caller.From is { Answered: false } || callee.From is { Answered: false } ? CallEnding.ServerShutdown() : null;
    }

    /// <summary>
    /// A participant of a taken-over call: a user connected here (in the call's slot until now as <see cref="From"/>), one
    /// connected to a third live node (a stand-in, as a callee on another node is; <see cref="Elsewhere"/>), or one held
    /// for its page.
    /// </summary>
    private readonly record struct TakenParticipant(User User, RemoteCall? From, RemoteMember? Elsewhere = null);

    /// <summary>A participant's page on another live node, and how to reach it.</summary>
    private sealed record RemoteMember(CallMember Member, INodeLink Node);

    private async Task<TakenParticipant?> ParticipantAsync(CallRecord record, CallParty party, SiloAddress deadHome)
    {
        var member = new CallMember(record.CallId, party.Name, party.Registration);
        if (FindMember(member) is { RemoteCall: { } remote } user && remote.Id == record.CallId)
        {
            return new TakenParticipant(user, remote);
        }

        var registration = Guid.ParseExact(party.Registration, "N");
        if (!party.Node.Equals(deadHome) && !_nodeDeaths.IsDead(party.Node))
        {
            // Its page is on a third node that lives: reached there through the node its name's claim names.
            NameClaim? claim;
            try
            {
                claim = await _names.LastClaimAsync(party.Name).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CallsLog.TakeOverFailed(_logger, record.CallId, ex);
                return null;
            }

            if (claim is not { Link: { } link } || claim.Registration != party.Registration || !claim.Node.Equals(party.Node))
            {
                return null;
            }

            return new TakenParticipant(StandIn(member, link, party.Node, party.ResumeKey), null, new RemoteMember(member, link));
        }

        // Its page went with a dead node: held here until it resumes.
        var held = new User(party.Name, $"held:{record.CallId}:{party.Registration}", NoOutbox.Instance, party.ResumeKey, registration);
        return new TakenParticipant(held, null);
    }

    /// <summary>Tells the node of <paramref name="standIn"/>'s page that the call lives here now; refused, the call ends as that side's leaving.</summary>
    private async Task TellCallMovedAsync(Call call, User standIn, RemoteMember remote)
    {
        bool moved;
        try
        {
            moved = await remote.Node.CallMoved(remote.Member, Link, _names.Node).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RemoteLog.RequestFailed(_logger, call.Id, standIn.Name, ex);
            moved = false;
        }

        if (!moved)
        {
            await EndAsync(call, CallEnding.Disconnected(standIn)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A participant whose page died with the call's home: registered here, detached, for the reconnect window (its peer
    /// told it is reconnecting), its name claimed here; never back, the call ends as a disconnect.
    /// </summary>
    private void HoldForResume(Call call, User user)
    {
        var options = _options.CurrentValue;
        if (options.ReconnectWindow <= TimeSpan.Zero || !_users.TryAdd(user))
        {
            // Resume is off, or the name was registered here by someone else meanwhile.
            EndInBackground(call, CallEnding.Disconnected(user));
            return;
        }

        // The held connection's id, read before the token is published: a resume that attaches the page at once must not
        // find its new connection detached here.
        var held = user.ConnectionId;
        _resumeTokens.Add(user);
        user.TryDetach(held, (current, number) =>
        {
            var closes = OpenResumeWindow(user, number, options.ReconnectWindow);
            if (current is not null)
            {
                BeginReconnect(current, current.SideOf(user), options.ReconnectWindow + options.MediaReconnectWindow, extend: true);
            }

            return closes;
        });
        _users.Detach(user, held);
        _ = MoveClaimHereAsync(user, new CallMember(call.Id, user.Name, user.RegistrationId), oldNode: null);
    }
}
