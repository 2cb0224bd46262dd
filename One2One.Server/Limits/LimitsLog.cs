namespace One2One.Server.Limits;

// Refusals are Debug: under a flood there is one per request, and the rejection metric counts them for an operator.
internal static partial class LimitsLog
{
    [LoggerMessage(EventId = 700, EventName = "RateLimited", Level = LogLevel.Debug, Message = "{Request} from connection {ConnectionId} ({Address}) refused: rate limit")]
    public static partial void RateLimited(ILogger logger, LimitedRequest request, string connectionId, string address);

    [LoggerMessage(EventId = 701, EventName = "RingsExceeded", Level = LogLevel.Debug, Message = "A call from {Address} to {Callee} refused: rung too often")]
    public static partial void RingsExceeded(ILogger logger, string address, string callee);

    [LoggerMessage(EventId = 702, EventName = "AddressQuotaFull", Level = LogLevel.Debug, Message = "{Address} holds its {Limit} {Quota}: one more refused")]
    public static partial void AddressQuotaFull(ILogger logger, string quota, string address, int limit);

    [LoggerMessage(EventId = 703, EventName = "ConnectionAttemptsExceeded", Level = LogLevel.Debug, Message = "A connection from {Address} refused: more than {Limit} connection attempts a minute")]
    public static partial void ConnectionAttemptsExceeded(ILogger logger, string address, int limit);
}
