using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Server.Limits;

namespace One2One.Server.Calls;

/// <summary>
/// Resuming after the page's connection was lost (a reload, a new network): the user is held, detached, for
/// <see cref="CallOptions.ReconnectWindow"/>, and a page that registers again with the user's resume token (hub method
/// Resume) gets the same user, and its call in progress, back on its new connection; it then offers again (Renegotiate).
/// The peer hears PeerReconnecting at once; when the window closes without a resume the name is freed and the call ends
/// as a disconnect does.
/// </summary>
internal sealed partial class CallService
{
    /// <summary>
    /// A page took its registration over from its own older connection on this node (a network change: the old one still
    /// looked open): said with the old connection's id before that connection is closed, so who-is-online hands the name
    /// to the new connection rather than dropping it for an instant.
    /// </summary>
    public event Action<string, User>? RegistrationTakenOver;

    /// <summary>
    /// Brings the user named <paramref name="rawName"/> back on <paramref name="connectionId"/> with <paramref name="token"/>.
    /// On success the acceptance (with the next token and the peer of the resumed call) is posted and null returned;
    /// otherwise the rejection to send: resume-expired for a token that is unknown or no longer good, resume-refused for one
    /// issued to another name. A user whose old connection still looks alive is taken over (see <see cref="User.TryResume"/>).
    /// </summary>
    /// <remarks>A token this node does not hold may be held by another node: see <see cref="ResumeFromElsewhereAsync"/>.</remarks>
    public Task<RegisterResponse?> ResumeAsync(string connectionId, string? rawName, string? token)
    {
        var address = AddressOf(connectionId);
        if (!_limits.TryRequest(LimitedRequest.Register, connectionId, address, out var refusal))
        {
            return Done(_rejections.Registration(Reasons.RateLimited, refusal));
        }

        return Resume(connectionId, rawName, token, address, waitForTakeOvers: true);
    }

    /// <summary>
    /// A token found nowhere while this node is taking over the calls of a node that just died may be one it is about to
    /// hold: the resume waits for the take-overs (bounded), then looks again.
    /// </summary>
    private async Task<RegisterResponse?> ResumeAfterTakeOversAsync(string connectionId, string? rawName, string token, ClientAddress address)
    {
        // Still at it past the wait: look now; the page asks again if it must.
        await Volatile.Read(ref _takingOver).WaitAtMostAsync(TakeOverWait, _time).ConfigureAwait(false);
        return await Resume(connectionId, rawName, token, address, waitForTakeOvers: false).ConfigureAwait(false);
    }

    private static readonly TimeSpan TakeOverWait = TimeSpan.FromSeconds(5);

    private Task<RegisterResponse?> Resume(string connectionId, string? rawName, string? token, ClientAddress address, bool waitForTakeOvers)
    {
        if (!UserName.TryNormalize(rawName, out var name, out var error))
        {
            return Done(_rejections.Registration(Reasons.InvalidName, error));
        }

        if (_users.FindByConnection(connectionId) is { } existing)
        {
            return Done(_rejections.Registration(Reasons.AlreadyRegistered, $"You are already registered as {PageText.Name(existing.Name)}."));
        }

        if (string.IsNullOrEmpty(token))
        {
            return Done(ResumeExpired());
        }

        if (_resumeTokens.OwnerOf(token) is not { } user)
        {
            // Not held here (yet, if this node is taking over a dead node's calls), perhaps by another node of the cluster
            // (the load balancer sent the page elsewhere).
            return waitForTakeOvers && !Volatile.Read(ref _takingOver).IsCompleted
                ? ResumeAfterTakeOversAsync(connectionId, rawName, token, address)
                : ResumeFromElsewhereAsync(connectionId, name, token, address);
        }

        if (!UserName.Comparer.Equals(user.Name, name))
        {
            return Done(_rejections.Registration(Reasons.ResumeRefused, $"This resume token was not issued to {PageText.Name(name)}."));
        }

        // The registration keeps the place it holds against its address's quota (moved to the new connection), so a quota
        // filled meanwhile never locks a person out of their own name.
        var standIn = user.Outbox as RemoteOutbox;
        var heldForTakenOverCall = user.Outbox is NoOutbox;
        var outbox = _connections.OpenOutbox(connectionId);
        var nextToken = ResumeTokens.NewToken();
        if (!user.TryResume(token, connectionId, outbox, ResumeTokens.KeyOf(nextToken),
            previous => _limits.MoveRegistration(previous ?? DetachedHolder(user), connectionId), out var previous))
        {
            outbox.Close();
            return Done(ResumeExpired());
        }

        _resumeTokens.Remove(ResumeTokens.KeyOf(token), user);
        _resumeTokens.Add(user);
        _users.Attach(user);
        if (heldForTakenOverCall)
        {
            // Held since this node took its call over: its place in its address's quota was on the dead node (best effort).
            _limits.TryHoldRegistration(connectionId, address, out _);
        }
        if (standIn is not null)
        {
            // The stand-in of a page on another node (dead, or the load balancer sent the page here): local from now on. A
            // call of its still ringing or being set up had that page alive (a lost one ends it there and then): it cannot
            // go on with this page, as below.
            TakeOverStandIn(user, standIn.Member, standIn.Link, address);
            EndWhatCannotBeResumed(user);
        }
        else if (previous is not null)
        {
            // Taken over: the old connection's disconnect will find no user, and so end nothing. What it lost, though, it
            // lost as a lost connection does: a call still ringing or being set up cannot go on with a page that has
            // neither its offer nor its ring, and ends now (the peer hears peer-disconnected); one in progress waits for
            // the new page's offer (Renegotiate).
            _users.Detach(user, previous);
            EndWhatCannotBeResumed(user);
        }
        var call = user.CurrentCall;
        var remoteCall = user.RemoteCall;
        var acceptance = Acceptance(user, nextToken, call?.Peer(user).Name ?? remoteCall?.PeerName);
        outbox.Post(c => c.RegisterResponse(acceptance));
        outbox.Start();
        if (standIn is null && previous is not null)
        {
            // Closed only once the name is the new connection's everywhere (after its acceptance, which its presence list
            // follows): the old connection's end, on another thread, then finds nothing to announce.
            RegistrationTakenOver?.Invoke(previous, user);
            _connections.Abort(previous, "its registration was resumed on another connection");
        }
        if (remoteCall is not null)
        {
            // The call's home keeps the key of the page's current token, for a resume there should this node die.
            var next = user.ResumeKey;
            _ = NotifyHomeAsync(remoteCall, (home, member) => home.Resumed(member, next));
        }

        if (call is not null)
        {
            TellIfPeerReconnecting(call, user);
            KeepRecord(call);
        }

        CallsLog.Resumed(_logger, user.Name, connectionId);
        return Done(null);
    }

    private static Task<RegisterResponse?> Done(RegisterResponse? response) => Task.FromResult(response);

    /// <summary>
    /// Ends <paramref name="user"/>'s call if it is not in progress (ringing, being placed, connecting): here, or at its home
    /// on another node when the page had no answer yet. The user leaves it before this returns, so the resume's answer
    /// names no call.
    /// </summary>
    private void EndWhatCannotBeResumed(User user)
    {
        if (user.CurrentCall is { State: not CallState.InCall } call)
        {
            using var scope = call.Trace.Enter(_logger);
            // EndAsync frees the participants' slots before its first wait.
            EndInBackground(call, CallEnding.Disconnected(user));
        }
        else if (user.RemoteCall is { Answered: false } remote)
        {
            user.Leave(remote);
            LeaveAtHome(remote, disconnected: true);
        }
    }

    private RegisterResponse ResumeExpired() =>
        _rejections.Registration(Reasons.ResumeExpired, "The call can no longer be resumed: the resume token is unknown or has expired. Register again.");

    /// <summary>
    /// The user's connection was lost without a hang-up: the user is held, detached, for <see cref="CallOptions.ReconnectWindow"/>
    /// (the name stays taken; a call to it is refused as unavailable). A call in progress waits too, its peer told at once; it
    /// gets the media reconnect window on top, for the resumed page to offer again. A call still ringing or being set up
    /// cannot wait for a page that must start over, and ends now. False when resume is off or nobody is registered there.
    /// </summary>
    private async Task<bool> TryDetachAsync(string connectionId)
    {
        var options = _options.CurrentValue;
        var window = options.ReconnectWindow;
        if (window <= TimeSpan.Zero || _users.FindByConnection(connectionId) is not { } user)
        {
            return false;
        }

        // Only if connectionId is still the user's: a resume may have moved it to a new connection meanwhile. A call in
        // progress waits too, within the same step (extended: a path already lost just before, ICE failing first, must not
        // end the call before the window); one still ringing or being set up ends.
        Call? endNow = null;
        RemoteCall? remoteCall = null;
        if (!user.TryDetach(connectionId, (call, number) =>
            {
                remoteCall = user.RemoteCall;
                _limits.MoveRegistration(connectionId, DetachedHolder(user));

                // The window opens before the peer hears of it: a peer told "reconnecting" has the whole window counted.
                var closes = OpenResumeWindow(user, number, window);
                if (call is not null)
                {
                    using var scope = call.Trace.Enter(_logger);
                    if (!BeginReconnect(call, call.SideOf(user), window + options.MediaReconnectWindow, extend: true))
                    {
                        endNow = call;
                    }
                }

                return closes;
            }))
        {
            return false;
        }

        _users.Detach(user, connectionId);
        CallsLog.Detached(_logger, user.Name, connectionId, window);
        if (remoteCall is not null)
        {
            // The call lives on another node: it waits there (or ends, if it was still ringing).
            await NotifyHomeAsync(remoteCall, (home, member) => home.Detached(member, window)).ConfigureAwait(false);
        }

        if (endNow is { } ending)
        {
            using var scope = ending.Trace.Enter(_logger);
            await EndAsync(ending, CallEnding.Disconnected(user)).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Starts the timer of <paramref name="user"/>'s resume window number <paramref name="number"/> (<see cref="User.TryDetach"/>).
    /// Started before the peer is told the user is reconnecting, so that the window is counted from before the peer knows.
    /// </summary>
    private ITimer OpenResumeWindow(User user, long number, TimeSpan window) =>
        _time.CreateTimer(_ => _ = OnResumeWindowClosedAsync(user, number), null, window, Timeout.InfiniteTimeSpan);

    /// <summary>The window closed without a resume: the name is freed and a call in progress ends as a disconnect does.</summary>
    /// <remarks>Runs on a timer thread; observes every failure itself (nobody awaits it).</remarks>
    /// <param name="window">The window's number (<see cref="User.TryDetach"/>); null for whichever is open.</param>
    private async Task OnResumeWindowClosedAsync(User user, long? window)
    {
        try
        {
            if (!user.TryExpire(window))
            {
                return;
            }

            _limits.ReleaseRegistration(DetachedHolder(user));
            await UnregisterAsync(user, user.ConnectionId, leftOnPurpose: false).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CallsLog.ExpiryFailed(_logger, user.Name, ex);
        }
    }

    /// <summary>Every user still waiting for a resume is let go now (the server is stopping: nobody will come back to it).</summary>
    public async Task ExpireDetachedAsync()
    {
        foreach (var user in _users.Detached())
        {
            await OnResumeWindowClosedAsync(user, window: null).ConfigureAwait(false);
        }
    }

    /// <summary>The holder of a detached registration's place in its address's quota (its connection is gone).</summary>
    private static string DetachedHolder(User user) => "detached:" + user.RegistrationId;
}
