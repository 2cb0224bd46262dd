namespace One2One.Kurento;

/// <summary>An error reply from the media server, with Kurento's code and type (e.g. 40101 MEDIA_OBJECT_NOT_FOUND).</summary>
public sealed class KurentoException : Exception
{
    public KurentoException(int code, string? type, string message) : base(message)
    {
        Code = code;
        Type = type;
    }

    public KurentoException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    public KurentoException() : this(0, null, "Kurento error")
    {
    }

    public KurentoException(string message) : this(0, null, message)
    {
    }

    public int Code { get; }

    public string? Type { get; }

    /// <summary>The request may or may not have taken effect: its connection was lost after it was written, or no reply came in time.</summary>
    internal bool OutcomeUnknown { get; init; }

    /// <summary>The request was written for this session and its connection was lost before the reply: it may be sent again, with its id, once the session resumes.</summary>
    internal string? CutOnSession { get; init; }
}

/// <summary>Codes from KurentoException.hpp and JSON-RPC 2.0 that the application reacts to.</summary>
public static class KurentoErrorCodes
{
    public const int InvalidSession = 40007;
    public const int NotEnoughResources = 40009;
    public const int MediaObjectNotFound = 40101;
    public const int MediaObjectEventNotSupported = 40106;
    public const int SdpParseError = 40201;
    public const int SdpEndPointAlreadyNegotiated = 40208;
}
