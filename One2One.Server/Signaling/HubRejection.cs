using Microsoft.AspNetCore.SignalR;

namespace One2One.Server.Signaling;

/// <summary>
/// A refused invocation: the browser gets <see cref="Exception.Message"/> (as for any <see cref="HubException"/>), and
/// <see cref="Reason"/> names the refusal for the metrics (<c>one2one.hub.rejected</c>).
/// </summary>
internal sealed class HubRejection(string reason, string message) : HubException(message)
{
    public const string NotRegistered = "not-registered";
    public const string MissingOffer = "missing-offer";
    public const string OfferTooLarge = "offer-too-large";
    public const string AlreadyInCall = "already-in-call";
    public const string NoSuchCall = "no-such-call";
    public const string NotRinging = "not-ringing";
    public const string InvalidAnswer = "invalid-answer";
    public const string InvalidCandidate = "invalid-candidate";
    public const string NoCall = "no-call";

    /// <summary>For a <see cref="HubException"/> thrown without a reason.</summary>
    public const string InvalidRequest = "invalid-request";

    public string Reason { get; } = reason;
}
