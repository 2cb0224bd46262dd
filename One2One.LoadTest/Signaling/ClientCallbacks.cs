namespace One2One.LoadTest.Signaling;

/// <summary>The server's callbacks and hub methods by wire name (One2One.Server's IOne2OneClient and One2OneHub).</summary>
internal static class ClientCallbacks
{
    public const string RegisterResponse = "RegisterResponse";
    public const string CallResponse = "CallResponse";
    public const string IncomingCall = "IncomingCall";
    public const string StartCommunication = "StartCommunication";
    public const string StopCommunication = "StopCommunication";
    public const string IceCandidate = "IceCandidate";

    /// <summary>Who is online (Presence:Enabled): not part of a call, skipped wherever a call's callback is expected.</summary>
    public const string OnlineUsers = "OnlineUsers";

    public const string PresenceChanged = "PresenceChanged";
}

internal static class HubMethods
{
    public const string Register = "Register";
    public const string Call = "Call";
    public const string IncomingCallResponse = "IncomingCallResponse";
    public const string Stop = "Stop";
}
