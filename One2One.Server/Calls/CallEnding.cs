using One2One.Server.Contracts;
using One2One.Server.Limits;
using One2One.Server.Media;

namespace One2One.Server.Calls;

/// <summary>Why a call ended and who ended it (null when no participant did: a timeout or the media).</summary>
internal sealed record CallEnding(string Reason, User? EndedBy, string? Detail = null)
{
    public static CallEnding NoAnswer() => new(Reasons.NoAnswer, null);

    public static CallEnding Cancelled(User caller) => new(Reasons.Cancelled, caller);

    public static CallEnding Declined(User callee) => new(Reasons.Declined, callee);

    public static CallEnding HungUp(User user) => new(Reasons.HungUp, user);

    public static CallEnding Disconnected(User user) => new(Reasons.PeerDisconnected, user);

    /// <summary>Characters of a media server's words shown to the pages: what a browser put in its offer may come back in them.</summary>
    public const int MaxDetailLength = 240;

    /// <summary>
    /// A media failure; <paramref name="detail"/>, the media server's words, is shown to both pages, cut and escaped: it
    /// may quote one browser's offer, in which a caller could hide a bidirectional override to reword the callee's screen.
    /// </summary>
    public static CallEnding MediaFailed(string reason, string detail) => new(reason, null, EchoedText.Escaped(detail, MaxDetailLength));

    public static CallEnding ServerShutdown() => new(Reasons.ServerShutdown, null);

    /// <summary>Ended by something going wrong (what an operator looks into), not by a person or the ringing timeout.</summary>
    public bool IsFailure => Reason is Reasons.MediaError or Reasons.IceFailed or Reasons.MediaServerLost or Reasons.InvalidOffer;

    /// <summary>What to tell <paramref name="recipient"/>, in words, about the call with <paramref name="other"/>.</summary>
    public string MessageFor(User recipient, User other, CallSide recipientSide) => Reason switch
    {
        Reasons.NoAnswer when recipientSide == CallSide.Caller => $"{PageText.Name(other.Name)} did not answer.",
        Reasons.NoAnswer => $"Missed call from {PageText.Name(other.Name)}.",
        Reasons.Cancelled => $"{PageText.Name(other.Name)} cancelled the call.",
        Reasons.Declined => $"{PageText.Name(other.Name)} declined the call.",
        Reasons.HungUp => $"{PageText.Name(other.Name)} hung up.",
        Reasons.PeerDisconnected => $"{PageText.Name(other.Name)} went offline.",
        Reasons.IceFailed => "The media connection failed (ICE). Check the network between your browser and the server.",
        Reasons.MediaServerLost => "The media server restarted; the call was lost.",
        Reasons.ServerShutdown => "The server is shutting down.",
        Reasons.ServerBusy => "The server is busy: it has no room for another call right now. Try again in a moment.",
        Reasons.InvalidOffer => Detail is null ? "The browser's media offer was not accepted." : $"The browser's media offer was not accepted: {Detail}",
        _ => Detail is null ? "The call failed on the media server." : $"The call failed on the media server: {Detail}",
    };
}
