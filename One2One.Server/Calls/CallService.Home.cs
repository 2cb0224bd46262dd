using System.Collections.Concurrent;
using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Server.Limits;

namespace One2One.Server.Calls;

/// <summary>
/// Calls between nodes, on the call's <em>home</em>: what a member's node asks of the call (run on its stand-in), the
/// member's connection lost, resumed or gone, and the stand-ins and name claims an ended call leaves. See
/// <c>CallService.Remote.cs</c> for the whole picture.
/// </summary>
internal sealed partial class CallService
{
    /// <summary>
    /// Runs <paramref name="request"/> for the stand-in of <paramref name="member"/> in its call here; a refusal comes back
    /// for the member's node to throw. A call that has ended (or a stand-in whose page resumed here meanwhile) refuses.
    /// </summary>
    internal RemoteRefusal? AtHome(CallMember member, Action<Call, User> request)
    {
        if (!_calls.TryGetValue(member.CallId, out var call) || StandIn(call, member) is not { } user)
        {
            return new RemoteRefusal(HubRejection.NoCall, "The call has ended.", CallGone: true);
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
            TellIfPeerReconnecting(call, standIn);
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
            KeepLeaving(remote.Member.Registration, remote.PostLeftCall());
        }
    }

    /// <summary>Until <paramref name="told"/> completes, a new call from here to <paramref name="registration"/> waits for it (see <see cref="_leaving"/>).</summary>
    private void KeepLeaving(string registration, Task told)
    {
        if (!told.IsCompleted)
        {
            _leaving[registration] = told;
            _ = told.ContinueWith(
                (done, state) => ((CallService)state!)._leaving.TryRemove(new KeyValuePair<string, Task>(registration, done)),
                this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Registrations on other nodes whose slot this node has freed from a call that ended, until their node has been told
    /// (the <c>LeftCall</c> delivery): the person's next call from here waits for it (bounded), or their node, asked to join
    /// it first, would find them still in the ended call and answer busy. Removed as each is told.
    /// </summary>
    private readonly ConcurrentDictionary<string, Task> _leaving = new(StringComparer.Ordinal);

    private static readonly TimeSpan LeftCallWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Registrations on other nodes that a call from here is being joined to (see <see cref="JoinAndRingAsync"/>), until
    /// that join is settled.
    /// </summary>
    private readonly ConcurrentDictionary<string, Task> _joining = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits (bounded) until the node of <paramref name="member"/> has been told they left the last call from here, and
    /// until an earlier call's join to them from here is settled.
    /// </summary>
    private async Task UntilLeftAsync(CallMember member)
    {
        // Past the wait its node is slow or out of reach: ask all the same; it answers busy or reconnecting if it must.
        _leaving.TryGetValue(member.Registration, out var told);
        _joining.TryGetValue(member.Registration, out var joining);
        if ((told, joining) is not (null, null))
        {
            await Task.WhenAll(told ?? Task.CompletedTask, joining ?? Task.CompletedTask).WaitAtMostAsync(LeftCallWait, _time).ConfigureAwait(false);
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
                _ = FreeNameAsync(user.Name, user.RegistrationId);
            }
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
}
