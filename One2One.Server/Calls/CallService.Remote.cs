using System.Collections.Concurrent;
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
            throw AlreadyInACall(caller);
        }

        if (!_limits.TryRing(address, caller.Name, claim.Name, out var refusal))
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
        new(member.Name, "remote:" + member.CallId, NewRemoteOutbox(member, link, node),
            resumeKey, Guid.ParseExact(member.Registration, "N"));

    private RemoteOutbox NewRemoteOutbox(CallMember member, INodeLink link, SiloAddress node) =>
        new(member, link, node, _limits.Options.OutboxCapacity, _options.CurrentValue.DeliveryRetryDelays, _time, _logger);

    /// <summary>Asks the callee's node to join <paramref name="call"/>; joined, reserves its media and rings, else tells the caller why not.</summary>
    private async Task JoinAndRingAsync(Call call, NameClaim claim, CallMember member)
    {
        await UntilLeftAsync(member).ConfigureAwait(false);

        // Until this join is settled (refused, rung, or undone for a caller who hung up meanwhile), a next call from here
        // to the same person waits for it: its join could otherwise reach their node first and find them busy with this
        // one (the caller who cancelled and called again at once).
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _joining[member.Registration] = settled.Task;
        try
        {
            await JoinAndRingOnceAsync(call, claim, member).ConfigureAwait(false);
        }
        finally
        {
            settled.SetResult();
            _joining.TryRemove(new KeyValuePair<string, Task>(member.Registration, settled.Task));
        }
    }

    private async Task JoinAndRingOnceAsync(Call call, NameClaim claim, CallMember member)
    {
        JoinAnswer joined;
        var answerLost = false;
        try
        {
            joined = await claim.Link!.JoinCall(member, call.Caller.Name, Link, _names.Node).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RemoteLog.RequestFailed(_logger, call.Id, claim.Name, ex);
            joined = new JoinAnswer(JoinResult.Reconnecting);
            answerLost = true;
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
            if (answerLost)
            {
                // The join may have arrived with only its answer lost: the callee's node would hold their slot for a call
                // that is nowhere (busy to everyone). Freeing a slot that holds another call, or none, does nothing there.
                KeepLeaving(member.Registration,
                    TellNodeUntilAnsweredAsync(member, () => claim.Link!.Deliver(member, ClientDeliveries.Alone, [ClientDeliveries.LeftCall])));
            }

            if (refused)
            {
                var (reason, message) = joined.Result switch
                {
                    JoinResult.Busy => (Reasons.Busy, $"{PageText.Name(claim.Name)} is busy."),
                    JoinResult.Unknown => (Reasons.UnknownUser, $"No user named {PageText.Name(claim.Name)} is registered."),
                    _ => (Reasons.Unavailable, $"{PageText.Name(claim.Name)} is reconnecting. Try again in a moment."),
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
            // Sent until that node has it: a slot left taken there leaves its person busy with a call that is nowhere.
            await TellNodeUntilAnsweredAsync(member, () => claim.Link!.Deliver(member, ClientDeliveries.Alone, [ClientDeliveries.LeftCall])).ConfigureAwait(false);
            return;
        }

        var callee = call.Callee;
        callee.ReplaceResumeKey(joined.ResumeKey ?? "");
        _resumeTokens.Add(callee);

        if (call.TryCountActive())
        {
            _metrics.CallStarted();
        }

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

    /// <summary>
    /// <see cref="TellNodeAsync"/>, sent again while the node does not answer (a dropped connection between nodes, a stall
    /// past the response timeout), after each of <see cref="CallOptions.DeliveryRetryDelays"/>; past the last it is given up
    /// (by then a node that stays silent is being declared dead, and its people and calls are handled as such). For notices
    /// that are harmless twice: an attempt whose answer was lost may have arrived. True once the node has it.
    /// </summary>
    private async Task<bool> TellNodeUntilAnsweredAsync(CallMember member, Func<Task> send)
    {
        if (await TellNodeAsync(member, send).ConfigureAwait(false))
        {
            return true;
        }

        foreach (var delay in _options.CurrentValue.DeliveryRetryDelays)
        {
            await Task.Delay(delay, _time).ConfigureAwait(false);
            if (await TellNodeAsync(member, send).ConfigureAwait(false))
            {
                return true;
            }
        }

        RemoteLog.NoticeGivenUp(_logger, member.CallId, member.Name);
        return false;
    }
}
