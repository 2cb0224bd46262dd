using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using One2One.Server.Kurento;
using One2One.Server.Media;
using One2One.Server.Signaling;

namespace One2One.Server.Calls;

/// <summary>
/// Registration and the life of every call: place, answer, hang up, time out, fail, disconnect.
/// The hub validates the shape of each request and hands it here; identity always comes from the
/// connection's registration, never from the message.
/// </summary>
/// <remarks>
/// State: <see cref="UserRegistry"/> (thread-safe), each <see cref="User"/>'s call slot (compare-and-swap),
/// each <see cref="Call"/>'s state (its own gate) and <see cref="_calls"/> (concurrent, for shutdown and
/// media-server loss). Every message to a browser goes through its user's <see cref="ClientOutbox"/>.
/// </remarks>
internal sealed class CallService : ICallMediaEvents
{
    private const int MaxSdpLength = 64 * 1024;

    private readonly UserRegistry _users;
    private readonly IHubContext<One2OneHub, IOne2OneClient> _hub;
    private readonly IKurentoClient _kurento;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<CallOptions> _options;
    private readonly ILogger<CallService> _logger;
    private readonly ConcurrentDictionary<string, Call> _calls = new(StringComparer.Ordinal);

    public CallService(
        UserRegistry users,
        IHubContext<One2OneHub, IOne2OneClient> hub,
        IKurentoClient kurento,
        CallClock clock,
        IOptionsMonitor<CallOptions> options,
        ILogger<CallService> logger)
    {
        _users = users;
        _hub = hub;
        _kurento = kurento;
        _time = clock.Time;
        _options = options;
        _logger = logger;
        _kurento.SessionLost += OnMediaServerSessionLost;
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
    public RegisterResponse? Register(string connectionId, string? rawName)
    {
        if (!UserName.TryNormalize(rawName, out var name, out var error))
        {
            return new RegisterResponse(Responses.Rejected, error, Reasons.InvalidName);
        }

        if (_users.FindByConnection(connectionId) is { } existing)
        {
            if (UserName.Comparer.Equals(existing.Name, name))
            {
                existing.Outbox.Post(c => c.RegisterResponse(new RegisterResponse(Responses.Accepted)));
                return null;
            }

            return new RegisterResponse(Responses.Rejected, $"You are already registered as {existing.Name}.", Reasons.AlreadyRegistered);
        }

        // The acceptance is queued before the name is published, so it precedes anything sent to the new user
        // (an incoming call may follow at once); the outbox only starts sending once the name is really ours.
        var user = new User(name, connectionId, new ClientOutbox(_hub, connectionId, _logger));
        user.Outbox.Post(c => c.RegisterResponse(new RegisterResponse(Responses.Accepted)));
        if (!_users.TryAdd(user))
        {
            user.MarkGone();
            return new RegisterResponse(Responses.Rejected, $"The name {name} is already taken.", Reasons.NameTaken);
        }

        user.Outbox.Start();

        CallsLog.Registered(_logger, name, connectionId);
        return null;
    }

    public User? FindUser(string connectionId) => _users.FindByConnection(connectionId);

    /// <summary>Offers a call from <paramref name="caller"/> to the user named <paramref name="to"/>.</summary>
    public void PlaceCall(User caller, string? to, string? sdpOffer)
    {
        RequireSdp(sdpOffer);
        if (!UserName.TryNormalize(to, out var calleeName, out _) || _users.FindByName(calleeName) is not { } callee)
        {
            Reject(caller, $"No user named {to?.Trim()} is registered.", Reasons.UnknownUser);
            return;
        }

        if (ReferenceEquals(callee, caller))
        {
            Reject(caller, "You cannot call yourself.", Reasons.SelfCall);
            return;
        }

        var call = new Call(caller, callee, sdpOffer!, CreateMedia);
        if (!caller.TryJoin(call))
        {
            throw new HubException("You are already in a call. Hang up first.");
        }

        if (!callee.TryJoin(call))
        {
            caller.Leave(call);
            Reject(caller, $"{callee.Name} is busy.", Reasons.Busy);
            CallsLog.Busy(_logger, caller.Name, callee.Name);
            return;
        }

        _calls[call.Id] = call;
        CallsLog.Ringing(_logger, call.Id, caller.Name, callee.Name);
        if (callee.IsGone)
        {
            // The callee's connection closed between the lookup and the join: its disconnect saw no call.
            EndInBackground(call, CallEnding.Disconnected(callee));
            return;
        }

        call.TryPostWhileLive(() => callee.Outbox.Post(c => c.IncomingCall(new IncomingCall(caller.Name))));
        call.StartRinging(_time, _options.CurrentValue.RingingTimeout, c => EndInBackground(c, CallEnding.NoAnswer(), onlyIfRinging: true));
    }

    /// <summary>The callee's answer to the call ringing from <paramref name="from"/>.</summary>
    public void Answer(User callee, string? from, string? callResponse, string? sdpOffer)
    {
        var call = callee.CurrentCall;
        if (call is null || !ReferenceEquals(call.Callee, callee) || !UserName.Comparer.Equals(call.Caller.Name, from?.Trim()))
        {
            throw new HubException($"There is no incoming call from {from}.");
        }

        switch (callResponse)
        {
            case CallAnswers.Reject:
                EndInBackground(call, call.State == CallState.Ringing ? CallEnding.Declined(callee) : CallEnding.HungUp(callee));
                return;
            case CallAnswers.Accept:
                RequireSdp(sdpOffer);
                if (!call.TryAccept())
                {
                    throw new HubException($"The call from {call.Caller.Name} is no longer ringing.");
                }

                CallsLog.Accepted(_logger, call.Id);
                _ = ConnectAsync(call, sdpOffer!);
                return;
            default:
                throw new HubException("callResponse must be \"accept\" or \"reject\".");
        }
    }

    /// <summary>Ends the user's call, whatever its state; nothing happens when there is none.</summary>
    public void Stop(User user)
    {
        if (user.CurrentCall is not { } call)
        {
            return;
        }

        var ending = call.State == CallState.Ringing
            ? (call.SideOf(user) == CallSide.Caller ? CallEnding.Cancelled(user) : CallEnding.Declined(user))
            : CallEnding.HungUp(user);
        EndInBackground(call, ending);
    }

    /// <summary>The connection went away: its name is freed and its call ends, the peer told why.</summary>
    public async Task DisconnectAsync(string connectionId)
    {
        if (_users.Remove(connectionId) is not { } user)
        {
            return;
        }

        user.MarkGone();
        CallsLog.Unregistered(_logger, user.Name, connectionId);
        if (user.CurrentCall is { } call)
        {
            await EndAsync(call, CallEnding.Disconnected(user)).ConfigureAwait(false);
        }
    }

    /// <summary>A candidate from the user's browser for its endpoint in the current call.</summary>
    public void AddBrowserCandidate(User user, IceCandidateInit candidate)
    {
        if (user.CurrentCall is not { } call)
        {
            throw new HubException("There is no call in progress for this ICE candidate.");
        }

        call.Media.AddBrowserCandidate(call.SideOf(user), candidate);
    }

    /// <summary>Ends every live call (server shutting down) and waits until their media is released.</summary>
    public Task EndAllAsync(Func<CallEnding> ending) => Task.WhenAll(_calls.Values.Select(call => EndAsync(call, ending())));

    /// <summary>Ends the call exactly once: participants freed, the peer(s) told, the media released.</summary>
    public async Task EndAsync(Call call, CallEnding ending, bool onlyIfRinging = false)
    {
        if (!call.TryEnd((previous, callerAnswered) => NotifyEnd(call, ending, callerAnswered), onlyIfRinging))
        {
            return;
        }

        call.Caller.Leave(call);
        call.Callee.Leave(call);
        CallsLog.Ended(_logger, call.Id, ending.Reason);
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
            _calls.TryRemove(call.Id, out _);
        }
    }

    bool ICallMediaEvents.TryDeliverAnswer(Call call, CallSide side, string sdpAnswer)
    {
        var user = call.Participant(side);
        return call.TryDeliverAnswer(side, () => user.Outbox.Post(side == CallSide.Caller
            ? c => c.CallResponse(new CallResponse(Responses.Accepted, sdpAnswer))
            : c => c.StartCommunication(new StartCommunication(sdpAnswer))));
    }

    void ICallMediaEvents.DeliverCandidate(Call call, CallSide side, KurentoIceCandidate candidate)
    {
        var user = call.Participant(side);
        var message = new IceCandidate(new IceCandidateInit(candidate.Candidate, candidate.SdpMid, candidate.SdpMLineIndex));
        call.TryPostWhileLive(() => user.Outbox.Post(c => c.IceCandidate(message)));
    }

    void ICallMediaEvents.MediaFailed(Call call, string reason, string detail) =>
        EndInBackground(call, CallEnding.MediaFailed(reason, detail));

    private CallMediaSession CreateMedia(Call call) =>
        new(call, _kurento, this, _options.CurrentValue.MaxQueuedCandidates, _logger);

    private async Task ConnectAsync(Call call, string calleeOffer)
    {
        using var timeout = new CancellationTokenSource(_options.CurrentValue.MediaSetupTimeout, _time);
        try
        {
            await call.Media.StartAsync(calleeOffer, timeout.Token).ConfigureAwait(false);
            if (call.TryMarkInCall())
            {
                CallsLog.InCall(_logger, call.Id, call.Media.PipelineId);
            }
        }
        catch (OperationCanceledException) when (call.EndedToken.IsCancellationRequested)
        {
            // Ended while setting up (hang-up, disconnect, timeout): EndAsync released what was made.
        }
        catch (OperationCanceledException)
        {
            await EndAsync(call, CallEnding.MediaFailed(Reasons.MediaError, "the media server did not set the call up in time.")).ConfigureAwait(false);
        }
        catch (KurentoException ex)
        {
            CallsLog.MediaSetupFailed(_logger, call.Id, ex.Code, ex);
            var reason = ex.Code is KurentoErrorCodes.SdpParseError or 40205 or 40207 ? Reasons.InvalidOffer : Reasons.MediaError;
            await EndAsync(call, CallEnding.MediaFailed(reason, ex.Message)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CallsLog.MediaSetupFailed(_logger, call.Id, 0, ex);
            await EndAsync(call, CallEnding.MediaFailed(Reasons.MediaError, "the media server could not be reached.")).ConfigureAwait(false);
        }
    }

    private void NotifyEnd(Call call, CallEnding ending, bool callerAnswered)
    {
        foreach (var side in (ReadOnlySpan<CallSide>)[CallSide.Caller, CallSide.Callee])
        {
            var user = call.Participant(side);
            if (ReferenceEquals(user, ending.EndedBy))
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

    private void OnMediaServerSessionLost(object? sender, KurentoSessionLostEventArgs e)
    {
        CallsLog.MediaServerSessionLost(_logger, e.Reason);
        foreach (var call in _calls.Values)
        {
            if (call.State is CallState.Connecting or CallState.InCall)
            {
                EndInBackground(call, CallEnding.MediaFailed(Reasons.MediaServerLost, e.Reason));
            }
        }
    }

    private static void Reject(User caller, string message, string reason) =>
        caller.Outbox.Post(c => c.CallResponse(new CallResponse(Responses.Rejected, null, message, reason)));

    private static void RequireSdp(string? sdp)
    {
        if (string.IsNullOrWhiteSpace(sdp))
        {
            throw new HubException("An SDP offer is required.");
        }

        if (sdp.Length > MaxSdpLength)
        {
            throw new HubException($"The SDP offer is larger than {MaxSdpLength / 1024} KiB.");
        }
    }
}
