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
    /// Brings the user named <paramref name="rawName"/> back on <paramref name="connectionId"/> with <paramref name="token"/>.
    /// On success the acceptance (with the next token and the peer of the resumed call) is posted and null returned;
    /// otherwise the rejection to send: resume-expired for a token that is unknown or no longer good, resume-refused for one
    /// issued to another name. A user whose old connection still looks alive is taken over (see <see cref="User.TryResume"/>).
    /// </summary>
    public RegisterResponse? Resume(string connectionId, string? rawName, string? token)
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
            return _rejections.Registration(Reasons.AlreadyRegistered, $"You are already registered as {existing.Name}.");
        }

        if (string.IsNullOrEmpty(token) || _resumeTokens.OwnerOf(token) is not { } user)
        {
            return _rejections.Registration(Reasons.ResumeExpired, "The call can no longer be resumed: the resume token is unknown or has expired. Register again.");
        }

        if (!UserName.Comparer.Equals(user.Name, name))
        {
            return _rejections.Registration(Reasons.ResumeRefused, $"This resume token was not issued to {name}.");
        }

        if (!_limits.TryHoldRegistration(connectionId, address, out refusal))
        {
            return _rejections.Registration(Reasons.RateLimited, refusal);
        }

        var outbox = _connections.OpenOutbox(connectionId);
        if (!user.TryResume(token, connectionId, outbox, ResumeTokens.NewToken(), out var previous))
        {
            _limits.ReleaseRegistration(connectionId);
            return _rejections.Registration(Reasons.ResumeExpired, "The call can no longer be resumed: the resume token is unknown or has expired. Register again.");
        }

        _resumeTokens.Remove(token, user);
        _resumeTokens.Add(user);
        _users.Attach(user);
        if (previous is not null)
        {
            // Taken over: the old connection's disconnect will find no user, and so end nothing.
            _users.Detach(user, previous);
            _connections.Abort(previous, "its registration was resumed on another connection");
        }
        var call = user.CurrentCall;
        var acceptance = Acceptance(user, call?.Peer(user).Name);
        outbox.Post(c => c.RegisterResponse(acceptance));
        outbox.Start();
        CallsLog.Resumed(_logger, user.Name, connectionId);
        return null;
    }

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

        if (!user.TryDetach(() => _time.CreateTimer(_ => _ = OnResumeWindowClosedAsync(user), null, window, Timeout.InfiniteTimeSpan)))
        {
            return false;
        }

        _users.Detach(user);
        CallsLog.Detached(_logger, user.Name, connectionId, window);
        if (user.CurrentCall is { } call)
        {
            using var scope = call.Trace.Enter(_logger);
            if (!BeginReconnect(call, call.SideOf(user), window + options.MediaReconnectWindow))
            {
                await EndAsync(call, CallEnding.Disconnected(user)).ConfigureAwait(false);
            }
        }

        return true;
    }

    private async Task OnResumeWindowClosedAsync(User user)
    {
        if (!user.TryExpire())
        {
            return;
        }

        _users.RemoveName(user);
        _resumeTokens.Remove(user.ResumeToken, user);
        user.MarkGone();
        CallsLog.Unregistered(_logger, user.Name, user.ConnectionId);
        await _names.ReleaseAsync(user.Name, user.RegistrationId).ConfigureAwait(false);
        if (user.CurrentCall is { } call)
        {
            using var scope = call.Trace.Enter(_logger);
            try
            {
                await EndAsync(call, CallEnding.Disconnected(user)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                CallsLog.EndFailed(_logger, call.Id, ex);
            }
        }
    }
}
