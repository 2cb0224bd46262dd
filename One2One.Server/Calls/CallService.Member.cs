using System.Collections.Immutable;
using One2One.Server.Cluster;
using One2One.Server.Contracts;

namespace One2One.Server.Calls;

/// <summary>
/// Calls between nodes, on the <em>member</em>'s node (the node of a person whose call lives elsewhere): joining a call
/// homed on another node, its messages delivered to the page here, and what the page asks of it forwarded to the home.
/// See <c>CallService.Remote.cs</c> for the whole picture.
/// </summary>
internal sealed partial class CallService
{
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
    internal void DeliverToMember(MemberBatch batch)
    {
        if (_arrivals.TryGetValue(NameClaims.KeyOf(batch.Member.Name), out var arrival) && arrival.TryDeliver(batch))
        {
            return;
        }

        DeliverHere(batch);
    }

    /// <summary>
    /// Passes a batch on to the member's page once, and only while the member is in its call, or has left it and is in
    /// no other (what the home sends after the LeftCall: the end's notice). A batch sent again after an attempt that
    /// failed on its way back, or one late from a call the page has moved on from, would otherwise reach the page (the
    /// page's messages name no call: a stale hang-up ends the call it is in now).
    /// </summary>
    private void DeliverHere(MemberBatch batch)
    {
        var member = batch.Member;
        if (FindMember(member) is not { } user)
        {
            return;
        }

        // The slot first: a call moving to a new home swaps its RemoteCall there in one step (MoveMemberCall), and either
        // object is the same call, sharing what was accepted. Only a member in no call looks at the call it last left.
        var call = user.RemoteCall is { } current && current.Id == member.CallId ? current
            : !user.IsInACall && user.LastRemoteCall is { } last && last.Id == member.CallId ? last
            : null;
        if (call is null || !call.TryAccept(batch.Batch))
        {
            RemoteLog.DeliveryDropped(_logger, member.Name, member.CallId, batch.Batch.Number);
            return;
        }

        foreach (var message in batch.Messages)
        {
            if (message.Method == ClientMethod.LeftCall)
            {
                // Whichever object of the call the slot holds now (it may have moved since).
                if (user.RemoteCall is { } left && left.Id == member.CallId)
                {
                    user.Leave(left);
                }

                continue;
            }

            if (message.Method is ClientMethod.CallResponse or ClientMethod.StartCommunication or ClientMethod.Renegotiated)
            {
                call.MarkAnswered();
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

        if (old.HangUpPending)
        {
            // The member hung up and the dead home may never have heard it: the new home, refused, ends the call as this
            // side's leaving (its media released there); the page knows already.
            user.Leave(old);
            return false;
        }

        if (!old.Answered)
        {
            // The dead home never sent this page its answer, and the new home has none to send: the page's call ends
            // now (the new home, refused, ends the call as this side's leaving and releases its media).
            EndHomeLost(user, old, releaseMedia: false);
            return false;
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
            if (refusal.CallGone)
            {
                // The home has no such call: it ended and its notice here was lost. The slot goes, so the person can call.
                // The home made this refusal without counting it (it has no call to refuse for): counted here.
                FindMember(call.Member)?.Leave(call);
                throw _rejections.Invocation(refusal.Message, refusal.Reason);
            }

            // Made and counted at the home (a call that is ending refuses a late candidate, say: its LeftCall follows).
            throw new Refusal(refusal.Reason, refusal.Message);
        }
    }

    /// <summary>
    /// The member's hang-up, done at the call's home. Once the home has answered, the member's slot goes free here too:
    /// the home's own notice of the end (<see cref="ClientMethod.LeftCall"/>) travels apart and may have been lost (a
    /// delivery that failed), and a person must be able to hang up a call that ended without their node hearing of it.
    /// </summary>
    /// <remarks>
    /// The call is marked as hung up (<see cref="RemoteCall.HangUpPending"/>) so that a node taking it over ends it as this
    /// hang-up instead of running it; a home that does not answer (dying, or cut off from this node) gets the hang-up again
    /// until the call ends, wherever it lives by then (<see cref="HangUpLaterAsync"/>). The page hears its Stop succeed
    /// either way: the person hung up, and the server sees it through.
    /// </remarks>
    private async Task HangUpAtHomeAsync(User user, RemoteCall remote)
    {
        // Marked before it is sent: a take-over that runs while it is on its way (the home declared dead meanwhile) ends
        // the call rather than bringing it back. A hang-up the home answers has ended the call there, record and all.
        if (!await TryHangUpAtHomeAsync(user, remote).ConfigureAwait(false) && remote.TryStartHangUpRetries())
        {
            _ = HangUpLaterAsync(user, remote);
        }
    }

    /// <summary>Marks the call hung up, then tells its home; true (and the user's slot freed) once the home has it.</summary>
    private async Task<bool> TryHangUpAtHomeAsync(User user, RemoteCall remote)
    {
        remote.MarkHangUpPending();
        if (!await NotifyHomeAsync(remote, (home, member) => home.HangUp(member)).ConfigureAwait(false))
        {
            return false;
        }

        user.Leave(remote);
        return true;
    }

    /// <summary>How long a hang-up the call's home did not answer waits before it is sent again: doubling from the first, up to the last.</summary>
    internal static readonly TimeSpan FirstHangUpRetry = TimeSpan.FromSeconds(2), LastHangUpRetry = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sees through a hang-up the home did not answer (one loop per call, <see cref="RemoteCall.TryStartHangUpRetries"/>),
    /// for as long as the user is in the call: after a wait (cut short when the call moves), ends it here if this node took
    /// it over meanwhile, else sends it again to the call's home (a new one, once another node took it over). Never faults.
    /// </summary>
    private async Task HangUpLaterAsync(User user, RemoteCall first)
    {
        var callId = first.Id;
        var wait = FirstHangUpRetry;
        var current = first;
        try
        {
            while (!user.IsGone)
            {
                await Task.WhenAny(current.Moved, Task.Delay(wait, _time)).ConfigureAwait(false);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LastHangUpRetry.Ticks));
                if (user.CurrentCall is { } taken && taken.Id == callId)
                {
                    // Taken over here before the hang-up was known to be pending.
                    Stop(user);
                    return;
                }

                if (user.RemoteCall is not { } now || now.Id != callId)
                {
                    return;
                }

                current = now;
                if (await TryHangUpAtHomeAsync(user, current).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            CallsLog.EndFailed(_logger, callId, ex);
        }
    }

    /// <summary>
    /// Tells the home something it only needs to know; true once the home has it. A home out of reach is logged (its death
    /// is handled apart).
    /// </summary>
    private Task<bool> NotifyHomeAsync(RemoteCall call, Func<INodeLink, CallMember, Task> notice) =>
        TellNodeAsync(call.Member, () => call.SendAsync(notice));

    /// <summary>
    /// Tells the home that the member left its call (signed out, or gone without a resume), until the home has it: the home
    /// hears of it no other way (what it sends the member is dropped here, where the member no longer is), and the call would
    /// stay up with nobody on this side. In the background; never faults.
    /// </summary>
    private void LeaveAtHome(RemoteCall call, bool disconnected) => _ = LeaveAtHomeAsync(call, disconnected);

    private async Task LeaveAtHomeAsync(RemoteCall call, bool disconnected)
    {
        try
        {
            await TellNodeUntilAnsweredAsync(call.Member, () => call.SendAsync((home, member) => home.Left(member, disconnected))).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nobody awaits it (a cancellation from the runtime, say): logged, never unobserved.
            RemoteLog.RequestFailed(_logger, call.Id, call.Member.Name, ex);
        }
    }
}
