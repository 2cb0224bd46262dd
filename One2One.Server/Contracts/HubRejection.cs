namespace One2One.Server.Contracts;

/// <summary>
/// Why an invocation was refused: the codes a client receives with a failed invocation, and how they travel on the
/// wire (<see cref="WireMessage"/>). The call layer raises them as <see cref="Calls.Refusal"/>; the hub's error filter
/// turns that into SignalR's failure.
/// </summary>
public static class HubRejection
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

    /// <summary>For a failure raised without a reason.</summary>
    public const string InvalidRequest = "invalid-request";

    /// <summary>
    /// What a client receives for a refusal: "&lt;reason&gt;: &lt;message&gt;", after SignalR's own "... HubException: ".
    /// Reasons are lowercase words joined by hyphens, so the first ": " always ends the code.
    /// </summary>
    public static string WireMessage(string reason, string message) => $"{reason}: {message}";
}
