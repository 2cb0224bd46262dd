namespace One2One.Server.Limits;

/// <summary>The hub requests with a rate limit: each is cheap for a client to repeat and costs the server (or someone else) more.</summary>
public enum LimitedRequest
{
    Register,
    Call,
    Candidate,
    MediaState,

    /// <summary>GetIceServers: each mints a TURN credential (an HMAC) and sends the servers back.</summary>
    IceServers,
}
