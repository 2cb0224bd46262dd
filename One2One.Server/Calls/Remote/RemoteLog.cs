using One2One.Server.Cluster;

namespace One2One.Server.Calls;

/// <summary>Calls between nodes: a node lost mid-call and what could not reach the other side is Warning; the routine is Debug.</summary>
internal static partial class RemoteLog
{
    [LoggerMessage(EventId = 230, EventName = "RemoteCallee", Level = LogLevel.Debug, Message = "Call {CallId}: {Callee} is on node {Node}")]
    public static partial void RemoteCallee(ILogger logger, string callId, string callee, SiloAddress node);

    [LoggerMessage(EventId = 231, EventName = "DeliveryFailed", Level = LogLevel.Warning, Message = "Call {CallId}: {Count} message(s) for {Name} could not reach their node")]
    public static partial void DeliveryFailed(ILogger logger, string name, string callId, int count, Exception exception);

    [LoggerMessage(EventId = 232, EventName = "DeliveryOverflowed", Level = LogLevel.Warning, Message = "Call {CallId}: {Name}'s node fell {Capacity} messages behind; later ones are dropped")]
    public static partial void DeliveryOverflowed(ILogger logger, string name, string callId, int capacity);

    [LoggerMessage(EventId = 233, EventName = "NodeLost", Level = LogLevel.Warning, Message = "Node {Node} left the cluster; its people in calls here are held for a resume")]
    public static partial void NodeLost(ILogger logger, SiloAddress node);

    [LoggerMessage(EventId = 234, EventName = "RemoteRequestFailed", Level = LogLevel.Warning, Message = "Call {CallId}: a request of {Name} could not reach the call's node")]
    public static partial void RequestFailed(ILogger logger, string callId, string name, Exception exception);

    [LoggerMessage(EventId = 235, EventName = "HomeLost", Level = LogLevel.Warning, Message = "Call {CallId}: the node it lived on left the cluster; {Name}'s side ends")]
    public static partial void HomeLost(ILogger logger, string callId, string name);

    [LoggerMessage(EventId = 236, EventName = "TakenOver", Level = LogLevel.Debug, Message = "{Name} resumed on the node of their call; this node lets the registration go")]
    public static partial void TakenOver(ILogger logger, string name);

    [LoggerMessage(EventId = 237, EventName = "ClaimMoveRetried", Level = LogLevel.Debug, Message = "The claim on {Name} cannot be moved here yet ({Error}); trying again")]
    public static partial void ClaimMoveRetried(ILogger logger, string name, string error);

    [LoggerMessage(EventId = 238, EventName = "ClaimLost", Level = LogLevel.Warning, Message = "{Name} resumed here, but another registration took the name while its node was dying")]
    public static partial void ClaimLost(ILogger logger, string name);

    [LoggerMessage(EventId = 239, EventName = "CallMoved", Level = LogLevel.Warning, Message = "Call {CallId}: its node died; node {Node} took it over, and {Name}'s side goes on there")]
    public static partial void CallMoved(ILogger logger, string callId, string name, SiloAddress node);

    [LoggerMessage(EventId = 245, EventName = "DeliveryRetried", Level = LogLevel.Debug, Message = "Call {CallId}: batch {Batch} for {Name} did not reach their node ({Error}); sending it again")]
    public static partial void DeliveryRetried(ILogger logger, string name, string callId, long batch, string error);

    [LoggerMessage(EventId = 246, EventName = "DeliveryDropped", Level = LogLevel.Debug, Message = "Call {CallId}: batch {Batch} for {Name} dropped: a repeat, or the call is no longer theirs")]
    public static partial void DeliveryDropped(ILogger logger, string name, string callId, long batch);

    [LoggerMessage(EventId = 247, EventName = "NoticeGivenUp", Level = LogLevel.Warning, Message = "Call {CallId}: a notice about {Name} never reached the other node; given up")]
    public static partial void NoticeGivenUp(ILogger logger, string callId, string name);
}
