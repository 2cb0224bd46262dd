using One2One.Server.Media;

namespace One2One.Server.Calls;

/// <summary>
/// Per-call routine (registered, ringing, accepted, in call, ended) is Debug: a busy server makes thousands a minute.
/// Information and above is for what an operator acts on: failures, the media server lost.
/// </summary>
internal static partial class CallsLog
{
    [LoggerMessage(EventId = 200, EventName = "Registered", Level = LogLevel.Debug, Message = "{Name} registered on connection {ConnectionId}")]
    public static partial void Registered(ILogger logger, string name, string connectionId);

    [LoggerMessage(EventId = 201, EventName = "Unregistered", Level = LogLevel.Debug, Message = "{Name} left (connection {ConnectionId})")]
    public static partial void Unregistered(ILogger logger, string name, string connectionId);

    [LoggerMessage(EventId = 202, EventName = "Ringing", Level = LogLevel.Debug, Message = "Call {CallId}: {Caller} is calling {Callee}")]
    public static partial void Ringing(ILogger logger, string callId, string caller, string callee);

    [LoggerMessage(EventId = 203, EventName = "Busy", Level = LogLevel.Debug, Message = "{Caller} called {Callee}, who is busy")]
    public static partial void Busy(ILogger logger, string caller, string callee);

    [LoggerMessage(EventId = 204, EventName = "Accepted", Level = LogLevel.Debug, Message = "Call {CallId}: accepted; setting up media")]
    public static partial void Accepted(ILogger logger, string callId);

    [LoggerMessage(EventId = 205, EventName = "InCall", Level = LogLevel.Debug, Message = "Call {CallId}: both answers sent (pipeline {PipelineId})")]
    public static partial void InCall(ILogger logger, string callId, string? pipelineId);

    /// <summary>Debug for a routine end; Information when it ended by a failure.</summary>
    [LoggerMessage(EventId = 206, EventName = "Ended", Message = "Call {CallId}: ended ({Reason}) {Detail}")]
    public static partial void Ended(ILogger logger, LogLevel level, string callId, string reason, string? detail);

    [LoggerMessage(EventId = 207, EventName = "MediaSetupFailed", Level = LogLevel.Warning, Message = "Call {CallId}: media set-up failed (code {Code})")]
    public static partial void MediaSetupFailed(ILogger logger, string callId, int code, Exception exception);

    [LoggerMessage(EventId = 208, EventName = "EndFailed", Level = LogLevel.Error, Message = "Call {CallId}: ending the call failed")]
    public static partial void EndFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 209, EventName = "MediaServerSessionLost", Level = LogLevel.Warning, Message = "The media server lost our session ({Reason}); ending calls with media")]
    public static partial void MediaServerSessionLost(ILogger logger, string reason);

    [LoggerMessage(EventId = 211, EventName = "Renegotiating", Level = LogLevel.Debug, Message = "Call {CallId}: the {Side} offers again; a new endpoint takes its media")]
    public static partial void Renegotiating(ILogger logger, string callId, CallSide side);

    [LoggerMessage(EventId = 210, EventName = "MediaServerFull", Level = LogLevel.Warning, Message = "Call {CallId}: refused as server-busy, the media server is full: {Detail}")]
    public static partial void MediaServerFull(ILogger logger, string callId, string detail);

    [LoggerMessage(EventId = 212, EventName = "Reconnecting", Level = LogLevel.Information, Message = "Call {CallId}: the {Side} lost its media path; waiting for it to return")]
    public static partial void Reconnecting(ILogger logger, string callId, CallSide side);

    [LoggerMessage(EventId = 213, EventName = "Reconnected", Level = LogLevel.Information, Message = "Call {CallId}: the {Side}'s media path is back")]
    public static partial void Reconnected(ILogger logger, string callId, CallSide side);

    [LoggerMessage(EventId = 214, EventName = "Detached", Level = LogLevel.Debug, Message = "{Name}'s connection {ConnectionId} was lost; held for a resume for {Window}")]
    public static partial void Detached(ILogger logger, string name, string connectionId, TimeSpan window);

    [LoggerMessage(EventId = 215, EventName = "Resumed", Level = LogLevel.Information, Message = "{Name} resumed on connection {ConnectionId}")]
    public static partial void Resumed(ILogger logger, string name, string connectionId);

    [LoggerMessage(EventId = 216, EventName = "Rejected", Level = LogLevel.Debug, Message = "Request rejected ({Reason})")]
    public static partial void Rejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 217, EventName = "NameReleaseFailed", Level = LogLevel.Warning, Message = "Freeing the name {Name} across the cluster failed; trying again in the background")]
    public static partial void NameReleaseFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(EventId = 248, EventName = "NameReleaseStillFailing", Level = LogLevel.Error, Message = "Freeing the name {Name} across the cluster still failed after {Attempts} attempts; nobody can register it until it succeeds (tried every minute until this node stops)")]
    public static partial void NameReleaseStillFailing(ILogger logger, string name, int attempts, Exception exception);

    [LoggerMessage(EventId = 218, EventName = "ExpiryFailed", Level = LogLevel.Error, Message = "Letting go of {Name} after the reconnect window failed")]
    public static partial void ExpiryFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(EventId = 219, EventName = "ClaimFailed", Level = LogLevel.Warning, Message = "Claiming the name {Name} across the cluster failed; the registration was refused as server-busy")]
    public static partial void ClaimFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(EventId = 256, EventName = "HolderLookupFailed", Level = LogLevel.Warning, Message = "Looking up who holds the name {Name} across the cluster failed; the call was refused as server-busy")]
    public static partial void HolderLookupFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(EventId = 242, EventName = "CallTakenOver", Level = LogLevel.Warning, Message = "Call {CallId}: taken over from node {Node}, which died; it goes on here")]
    public static partial void CallTakenOver(ILogger logger, string callId, SiloAddress node);

    [LoggerMessage(EventId = 243, EventName = "TakeOverRefused", Level = LogLevel.Warning, Message = "Call {CallId}: cannot be taken over: {Why}")]
    public static partial void TakeOverRefused(ILogger logger, string callId, string why);

    [LoggerMessage(EventId = 244, EventName = "TakeOverFailed", Level = LogLevel.Warning, Message = "Call {CallId}: taking it over from a node that died failed")]
    public static partial void TakeOverFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 253, EventName = "LeftForTakeOver", Level = LogLevel.Information, Message = "Call {CallId}: not ended ({Reason}) as this node stops: the node that takes it over runs it on")]
    public static partial void LeftForTakeOver(ILogger logger, string callId, string reason);
}
