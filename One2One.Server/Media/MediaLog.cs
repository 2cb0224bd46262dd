using One2One.Kurento;
using One2One.Server.Calls;

namespace One2One.Server.Media;

internal static partial class MediaLog
{
    [LoggerMessage(EventId = 300, EventName = "PipelineCreated", Level = LogLevel.Debug, Message = "Call {CallId}: pipeline {PipelineId} created")]
    public static partial void PipelineCreated(ILogger logger, string callId, string pipelineId);

    [LoggerMessage(EventId = 314, EventName = "PipelineTakenOver", Level = LogLevel.Information, Message = "Call {CallId}: pipeline {PipelineId} taken over from a node that died")]
    public static partial void PipelineTakenOver(ILogger logger, string callId, string pipelineId);

    [LoggerMessage(EventId = 301, EventName = "PipelineReleased", Level = LogLevel.Debug, Message = "Call {CallId}: pipeline {PipelineId} released")]
    public static partial void PipelineReleased(ILogger logger, string callId, string pipelineId);

    [LoggerMessage(EventId = 311, EventName = "EndpointReplaced", Level = LogLevel.Debug, Message = "Call {CallId}: the {Side}'s media moved from endpoint {Old} to {New}")]
    public static partial void EndpointReplaced(ILogger logger, string callId, CallSide side, string old, string @new);

    [LoggerMessage(EventId = 315, EventName = "OfferSuperseded", Level = LogLevel.Debug, Message = "Call {CallId}: the {Side}'s offer was followed by a newer one; only the newer one is answered")]
    public static partial void OfferSuperseded(ILogger logger, string callId, CallSide side);

    [LoggerMessage(EventId = 313, EventName = "EndpointRestarted", Level = LogLevel.Debug, Message = "Call {CallId}: the {Side}'s media restarted ICE on its endpoint {EndpointId}")]
    public static partial void EndpointRestarted(ILogger logger, string callId, CallSide side, string endpointId);

    [LoggerMessage(EventId = 312, EventName = "EndpointReleaseFailed", Level = LogLevel.Warning, Message = "Call {CallId}: releasing the replaced endpoint {EndpointId} failed")]
    public static partial void EndpointReleaseFailed(ILogger logger, string callId, string endpointId, Exception exception);

    [LoggerMessage(EventId = 302, EventName = "ReleaseFailed", Level = LogLevel.Warning, Message = "Call {CallId}: releasing pipeline {PipelineId} failed")]
    public static partial void ReleaseFailed(ILogger logger, string callId, string pipelineId, Exception exception);

    [LoggerMessage(EventId = 303, EventName = "CandidateDropped", Level = LogLevel.Warning, Message = "Call {CallId}: too many queued candidates from the {Side}; one was dropped")]
    public static partial void CandidateDropped(ILogger logger, string callId, CallSide side);

    // Debug: the page's candidate, not a fault here, and a page can send a hundred a minute.
    [LoggerMessage(EventId = 304, EventName = "CandidateRejected", Level = LogLevel.Debug, Message = "Call {CallId}: the media server rejected candidate {Candidate}: {Error}")]
    public static partial void CandidateRejected(ILogger logger, string callId, string candidate, string error);

    [LoggerMessage(EventId = 305, EventName = "IceState", Level = LogLevel.Debug, Message = "Call {CallId}: ICE of the {Side} is {State}")]
    public static partial void IceState(ILogger logger, string callId, CallSide side, IceComponentState state);

    [LoggerMessage(EventId = 306, EventName = "MediaFlowIn", Level = LogLevel.Debug, Message = "Call {CallId}: {MediaType} from the {Side} is {State}")]
    public static partial void MediaFlowIn(ILogger logger, string callId, CallSide side, MediaType mediaType, MediaFlowState state);

    [LoggerMessage(EventId = 307, EventName = "MediaError", Level = LogLevel.Warning, Message = "Call {CallId}: media server error {Type} ({Code}): {Description}")]
    public static partial void MediaError(ILogger logger, string callId, string type, int code, string description);

    [LoggerMessage(EventId = 318, EventName = "MediaWarning", Level = LogLevel.Warning, Message = "Call {CallId}: the media server reported {Type} ({Code}): {Description}; the call goes on (further reports of this kind at Debug)")]
    public static partial void MediaWarning(ILogger logger, string callId, string type, int code, string description);

    [LoggerMessage(EventId = 319, EventName = "MediaWarningAgain", Level = LogLevel.Debug, Message = "Call {CallId}: the media server reported {Type} ({Code}) again")]
    public static partial void MediaWarningAgain(ILogger logger, string callId, string type, int code);

    [LoggerMessage(EventId = 308, EventName = "OptionalEventUnsupported", Level = LogLevel.Debug, Message = "Call {CallId}: the media server does not support {EventType}; media flow is not logged")]
    public static partial void OptionalEventUnsupported(ILogger logger, string callId, string eventType);

    [LoggerMessage(EventId = 309, EventName = "MediaServerUnreachable", Level = LogLevel.Warning, Message = "Media server {Address} is unreachable: {Reason}; it gets no new calls until it answers")]
    public static partial void MediaServerUnreachable(ILogger logger, string address, string reason);

    [LoggerMessage(EventId = 310, EventName = "MediaServerLost", Level = LogLevel.Warning, Message = "Media server {Address} is lost ({Reason}): its {Calls} calls end")]
    public static partial void MediaServerLost(ILogger logger, string address, int calls, string reason);

    [LoggerMessage(EventId = 316, EventName = "IceStateReread", Level = LogLevel.Debug, Message = "Call {CallId}: after the media server's session resumed, ICE of the {Side} reads {State}")]
    public static partial void IceStateReread(ILogger logger, string callId, CallSide side, IceComponentState state);

    [LoggerMessage(EventId = 317, EventName = "IceStateRereadFailed", Level = LogLevel.Warning, Message = "Call {CallId}: after the media server's session resumed, the {Side}'s ICE state could not be read")]
    public static partial void IceStateRereadFailed(ILogger logger, string callId, CallSide side, Exception exception);
}
