using System.Text.Json.Serialization;

namespace One2One.Server.Contracts;

/// <summary>An ICE candidate as the browser's <c>RTCIceCandidate.toJSON()</c> gives it.</summary>
public sealed record IceCandidateInit(string Candidate, string? SdpMid, int? SdpMLineIndex);

/// <summary>Values of <c>response</c> in <see cref="RegisterResponse"/> and <see cref="CallResponse"/>.</summary>
public static class Responses
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
}

/// <summary>Values of <c>callResponse</c> in <c>IncomingCallResponse</c>.</summary>
public static class CallAnswers
{
    public const string Accept = "accept";
    public const string Reject = "reject";
}

/// <summary>Machine-readable reasons carried next to the human-readable message.</summary>
public static class Reasons
{
    public const string InvalidName = "invalid-name";
    public const string NameTaken = "name-taken";
    public const string AlreadyRegistered = "already-registered";
    public const string UnknownUser = "unknown-user";
    public const string SelfCall = "self-call";
    public const string Busy = "busy";

    /// <summary>The callee's page lost its connection and may still come back (Calls:ReconnectWindow).</summary>
    public const string Unavailable = "unavailable";
    public const string NoAnswer = "no-answer";
    public const string Declined = "declined";
    public const string Cancelled = "cancelled";
    public const string HungUp = "hung-up";
    public const string PeerDisconnected = "peer-disconnected";
    public const string MediaError = "media-error";
    public const string IceFailed = "ice-failed";
    public const string MediaServerLost = "media-server-lost";
    public const string InvalidOffer = "invalid-offer";
    public const string ServerShutdown = "server-shutdown";
    public const string RateLimited = "rate-limited";
    public const string ServerBusy = "server-busy";
    public const string NameNotAllowed = "name-not-allowed";
    public const string ResumeExpired = "resume-expired";
    public const string ResumeRefused = "resume-refused";
}

/// <summary>
/// The outcome of a Register. An acceptance carries the page's ICE configuration, as <c>RTCConfiguration</c> takes it:
/// <see cref="IceServers"/> (with a TURN credential minted for this person) and <see cref="IceTransportPolicy"/>; and the
/// <see cref="ResumeToken"/> that brings this person back into a call after a reload (hub method Resume). An accepted
/// Resume names the peer of the call it resumed in <see cref="ResumedCallWith"/>. <see cref="Name"/> is the name as
/// registered, the one others see (trimmed, spaces and lookalike forms folded; see <c>UserName</c>).
/// </summary>
public sealed record RegisterResponse(
    string Response,
    string? Message = null,
    string? Reason = null,
    IReadOnlyList<IceServer>? IceServers = null,
    string? IceTransportPolicy = null,
    string? ResumeToken = null,
    string? ResumedCallWith = null,
    string? Name = null)
{
    /// <summary>Without the resume token: it lets whoever holds it take this person's call, and must never reach a log.</summary>
    public override string ToString() => $"RegisterResponse {{ Response = {Response}, Reason = {Reason}, Name = {Name}, ResumedCallWith = {ResumedCallWith} }}";
}

/// <summary>An <c>RTCIceServer</c> (W3C WebRTC 1.0 §4.2.4): STUN servers without, TURN servers with a user name and credential.</summary>
public sealed record IceServer(
    IReadOnlyList<string> Urls,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Username = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Credential = null)
{
    /// <summary>Without the credential: it is a password and must never reach a log.</summary>
    public override string ToString() => $"IceServer {{ Urls = {string.Join(' ', Urls)}, Username = {Username} }}";
}

/// <summary>The page's ICE configuration, as <c>GetIceServers</c> returns it (the same fields as an accepted <see cref="RegisterResponse"/>).</summary>
public sealed record IceConfiguration(IReadOnlyList<IceServer> IceServers, string IceTransportPolicy);

/// <summary>Values of <c>iceTransportPolicy</c> (RTCIceTransportPolicy).</summary>
public static class IceTransportPolicies
{
    public const string All = "all";
    public const string Relay = "relay";
}

public sealed record CallResponse(string Response, string? SdpAnswer = null, string? Message = null, string? Reason = null);

public sealed record IncomingCall(string From);

public sealed record StartCommunication(string SdpAnswer);

/// <summary>The answer to the page's new offer (hub method Renegotiate): its media now goes through a new endpoint.</summary>
public sealed record Renegotiated(string SdpAnswer);

public sealed record StopCommunication(string? Message = null, string? Reason = null);

public sealed record IceCandidate(IceCandidateInit Candidate);
