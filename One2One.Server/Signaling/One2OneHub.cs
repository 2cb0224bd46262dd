using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using One2One.Server.Auth;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Limits;
using One2One.Server.MediaStates;
using One2One.Server.Presence;

namespace One2One.Server.Signaling;

/// <summary>
/// The browser's signaling endpoint (/one2one), replacing the tutorial's JSON switch. Thin: it checks the
/// shape of each request and who is asking, then hands off to <see cref="CallService"/>. Protocol misuse
/// (not registered, missing fields) fails the invocation with a <see cref="HubException"/> whose message
/// the browser shows; call outcomes (rejected, busy, no answer) arrive as typed callbacks.
/// </summary>
internal sealed class One2OneHub : Hub<IOne2OneClient>
{
    /// <summary>Where the hub is mapped.</summary>
    public const string Path = "/one2one";

    private readonly CallService _calls;
    private readonly RegistrationNames _names;
    private readonly ClientConnections _connections;
    private readonly Rejections _rejections;
    private readonly int _maxCandidateBytes;
    private readonly MediaStateRelay _mediaStates;
    private readonly PresenceService _presence;
    private readonly ConnectionEnd _end;
    private readonly ILogger<One2OneHub> _logger;

    public One2OneHub(
        CallService calls,
        RegistrationNames names,
        ClientConnections connections,
        Rejections rejections,
        MediaStateRelay mediaStates,
        PresenceService presence,
        IOptions<LimitsOptions> limits,
        ConnectionEnd end,
        ILogger<One2OneHub> logger)
    {
        _calls = calls;
        _mediaStates = mediaStates;
        _presence = presence;
        _names = names;
        _connections = connections;
        _rejections = rejections;
        _maxCandidateBytes = limits.Value.MaxCandidateBytes;
        _end = end;
        _logger = logger;
    }

    public async Task Register(string? name)
    {
        var refusal = _names.Refusal(Context.User, name) is { } notYours
            ? _rejections.Registration(Reasons.NameNotAllowed, notYours)
            : await _calls.RegisterAsync(Context.ConnectionId, name);
        if (refusal is { } rejection)
        {
            await Clients.Caller.RegisterResponse(rejection);
        }
        else if (_calls.FindUser(Context.ConnectionId) is { } user)
        {
            _presence.Join(user);
        }
    }

    /// <summary>
    /// Registers again as <paramref name="name"/> with the resume token of a page whose connection closed during a call
    /// (a reload): the same call goes on, and the page offers again with Renegotiate. Answered with RegisterResponse.
    /// </summary>
    public async Task Resume(string? name, string? resumeToken)
    {
        var refusal = _names.Refusal(Context.User, name) is { } notYours
            ? _rejections.Registration(Reasons.NameNotAllowed, notYours)
            : await _calls.ResumeAsync(Context.ConnectionId, name, resumeToken);
        if (refusal is { } rejection)
        {
            await Clients.Caller.RegisterResponse(rejection);
        }
        else if (_calls.FindUser(Context.ConnectionId) is { } user)
        {
            _presence.Join(user);
        }
    }

    public Task Call(string? to, string? sdpOffer) => _calls.PlaceCallAsync(RegisteredUser(), to, sdpOffer);

    public Task IncomingCallResponse(string? from, string? callResponse, string? sdpOffer) =>
        _calls.AnswerAsync(RegisteredUser(), from, callResponse, sdpOffer);

    public Task Stop() => _calls.StopAsync(RegisteredUser());

    /// <summary>
    /// The person leaves: the name is freed at once (not held for a resume, as a lost connection's is) and a call in
    /// progress ends as a hang-up. The connection stays open, unregistered; nothing happens when it has no registration.
    /// </summary>
    public async Task Unregister()
    {
        _presence.Leave(Context.ConnectionId);
        await _calls.LeaveAsync(Context.ConnectionId);
    }

    /// <summary>
    /// The page's ICE configuration with a freshly minted TURN credential. The one in RegisterResponse expires after
    /// Turn:CredentialLifetime, and a page may stay registered for longer, so it asks again before each call, and during a
    /// call before its credential expires.
    /// </summary>
    public IceConfiguration GetIceServers() => _calls.IceServersFor(RegisteredUser());

    /// <summary>A new offer for the call in progress, from a new RTCPeerConnection of the page; answered with Renegotiated.</summary>
    public Task Renegotiate(string? sdpOffer) => _calls.RenegotiateAsync(RegisteredUser(), sdpOffer);

    /// <summary>This side muted or unmuted its microphone or camera; the peer of its call gets PeerMediaState.</summary>
    public Task SetMediaState(MediaState? state) => _mediaStates.SetAsync(RegisteredUser(), state);

    public Task OnIceCandidate(IceCandidateInit? candidate)
    {
        var user = RegisteredUser();
        if (candidate is null || string.IsNullOrWhiteSpace(candidate.Candidate))
        {
            // An empty candidate is the browser's end-of-candidates marker: nothing to apply.
            return Task.CompletedTask;
        }

        if (candidate.SdpMid is null && candidate.SdpMLineIndex is null)
        {
            throw _rejections.Invocation("The ICE candidate is malformed: it needs a candidate line and an sdpMid or sdpMLineIndex.", HubRejection.InvalidCandidate);
        }

        if (Encoding.UTF8.GetByteCount(candidate.Candidate) + Encoding.UTF8.GetByteCount(candidate.SdpMid ?? "") > _maxCandidateBytes)
        {
            throw _rejections.Invocation($"The ICE candidate is larger than {_maxCandidateBytes} bytes.", HubRejection.InvalidCandidate);
        }

        // A candidate is one line of printable text (RFC 8839); a line break or a terminal escape in one is no browser's.
        if (candidate.Candidate.AsSpan().ContainsAny(ControlCharacters.All) || (candidate.SdpMid ?? "").AsSpan().ContainsAny(ControlCharacters.All))
        {
            throw _rejections.Invocation("The ICE candidate contains control characters.", HubRejection.InvalidCandidate);
        }

        return _calls.AddBrowserCandidateAsync(user, candidate);
    }

    public override Task OnConnectedAsync()
    {
        if (!_connections.TryAdd(Context, out var refusal))
        {
            // SignalR closes the connection with this message (a HubException's is passed on) and tells the client not to reconnect.
            _rejections.Counted(Reasons.RateLimited);
            throw new HubException(HubRejection.WireMessage(Reasons.RateLimited, refusal));
        }

        SignalingLog.Connected(_logger, Context.ConnectionId);
        return Task.CompletedTask;
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        SignalingLog.Disconnected(_logger, Context.ConnectionId, exception);
        var connection = _connections.Find(Context.ConnectionId);
        if (connection?.MarkDisconnected() != false)
        {
            await _end.RunAsync(Context.ConnectionId, connection);
        }

        // Else an invocation is still running: it runs the end as it finishes (InvocationThenDisconnectFilter).
    }

    private User RegisteredUser() =>
        _calls.FindUser(Context.ConnectionId) ?? throw _rejections.Invocation("Register a name first.", HubRejection.NotRegistered);
}
