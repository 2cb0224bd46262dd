using One2One.Server.Cluster;
using One2One.Server.Contracts;

namespace One2One.Server.Calls;

/// <summary>
/// Calls between nodes when a node dies: the calls it was home to are taken over (<c>CallService.TakeOver.cs</c>), its
/// members' stand-ins are held for a resume, and calls whose home is gone end here. See <c>CallService.Remote.cs</c>.
/// </summary>
internal sealed partial class CallService
{
    private void OnNodeDied(SiloAddress node)
    {
        RemoteLog.NodeLost(_logger, node);
        foreach (var call in _calls.Values)
        {
            foreach (var user in (ReadOnlySpan<User>)[call.Caller, call.Callee])
            {
                if (user.Outbox is RemoteOutbox remote && remote.Node.Equals(node))
                {
                    // The connection id that went with the dead node (the outbox still the same after it is read): a resume
                    // meanwhile gives the stand-in a new connection, which must not be detached for the old one's death.
                    var lost = user.ConnectionId;
                    if (ReferenceEquals(user.Outbox, remote))
                    {
                        _ = HoldLostMemberAsync(call, user, remote, lost);
                    }
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
    private async Task HoldLostMemberAsync(Call call, User standIn, RemoteOutbox remote, string lostConnectionId)
    {
        try
        {
            var window = _options.CurrentValue.ReconnectWindow;
            Call? endNow = null;
            var held = window > TimeSpan.Zero && standIn.TryDetach(lostConnectionId, (current, number) =>
            {
                var closes = OpenResumeWindow(standIn, number, window);
                if (current is not null && !BeginReconnect(current, current.SideOf(standIn), window + _options.CurrentValue.MediaReconnectWindow, extend: true))
                {
                    endNow = current;
                }

                return closes;
            });
            if (!held && window > TimeSpan.Zero && !standIn.IsGone && !string.Equals(standIn.ConnectionId, lostConnectionId, StringComparison.Ordinal))
            {
                // Its page resumed meanwhile, on a new connection: nothing of it was lost.
                return;
            }

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
            $"The server your call with {PageText.Name(call.PeerName)} lived on stopped. Call again.", Reasons.ServerShutdown)));
    }
}
