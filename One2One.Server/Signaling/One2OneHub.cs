using Microsoft.AspNetCore.SignalR;
using One2One.Server.Auth;
using One2One.Server.Calls;

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

    private const int MaxCandidateLength = 1024;

    private readonly CallService _calls;
    private readonly RegistrationNames _names;
    private readonly ILogger<One2OneHub> _logger;

    public One2OneHub(CallService calls, RegistrationNames names, ILogger<One2OneHub> logger)
    {
        _calls = calls;
        _names = names;
        _logger = logger;
    }

    public async Task Register(string? name)
    {
        if ((_names.Refusal(Context.User, name) ?? _calls.Register(Context.ConnectionId, name)) is { } rejection)
        {
            await Clients.Caller.RegisterResponse(rejection);
        }
    }

    public void Call(string? to, string? sdpOffer) => _calls.PlaceCall(RegisteredUser(), to, sdpOffer);

    public void IncomingCallResponse(string? from, string? callResponse, string? sdpOffer) =>
        _calls.Answer(RegisteredUser(), from, callResponse, sdpOffer);

    public void Stop() => _calls.Stop(RegisteredUser());

    public void OnIceCandidate(IceCandidateInit? candidate)
    {
        var user = RegisteredUser();
        if (candidate is null || string.IsNullOrWhiteSpace(candidate.Candidate))
        {
            // An empty candidate is the browser's end-of-candidates marker: nothing to apply.
            return;
        }

        if (candidate.Candidate.Length > MaxCandidateLength || (candidate.SdpMid is null && candidate.SdpMLineIndex is null))
        {
            throw new HubException("The ICE candidate is malformed: it needs a candidate line and an sdpMid or sdpMLineIndex.");
        }

        _calls.AddBrowserCandidate(user, candidate);
    }

    public override Task OnConnectedAsync()
    {
        SignalingLog.Connected(_logger, Context.ConnectionId);
        return Task.CompletedTask;
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        SignalingLog.Disconnected(_logger, Context.ConnectionId, exception);
        await _calls.DisconnectAsync(Context.ConnectionId);
    }

    private User RegisteredUser() =>
        _calls.FindUser(Context.ConnectionId) ?? throw new HubException("Register a name first.");
}
