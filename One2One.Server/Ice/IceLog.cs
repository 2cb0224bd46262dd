namespace One2One.Server.Ice;

internal static partial class IceLog
{
    // Only URLs and the policy: the shared secret and the credentials minted from it are never logged.
    [LoggerMessage(EventId = 900, EventName = "IceServersConfigured", Level = LogLevel.Information, Message = "ICE servers for browsers: {Urls}; transport policy {Policy}; TURN credentials valid for {Lifetime}")]
    public static partial void Configured(ILogger logger, string urls, string policy, TimeSpan lifetime);

    [LoggerMessage(EventId = 901, EventName = "MediaServerIceConfigured", Level = LogLevel.Information, Message = "Media server endpoints get STUN {StunServer} and TURN {TurnServer}")]
    public static partial void MediaServerConfigured(ILogger logger, string stunServer, string turnServer);
}
