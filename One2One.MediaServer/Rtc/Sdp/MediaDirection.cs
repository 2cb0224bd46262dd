namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>The direction attribute of a media section (RFC 8866 §6.7); sendrecv when absent.</summary>
internal enum MediaDirection { SendRecv, SendOnly, RecvOnly, Inactive }

internal static class MediaDirections
{
    public static bool Sends(this MediaDirection direction) => direction is MediaDirection.SendRecv or MediaDirection.SendOnly;

    public static bool Receives(this MediaDirection direction) => direction is MediaDirection.SendRecv or MediaDirection.RecvOnly;

    /// <summary>The answer's direction for an offered one (RFC 3264 §6.1): what the offerer sends we receive, and the other way round.</summary>
    public static MediaDirection Reverse(this MediaDirection offered) => offered switch
    {
        MediaDirection.SendOnly => MediaDirection.RecvOnly,
        MediaDirection.RecvOnly => MediaDirection.SendOnly,
        _ => offered,
    };

    public static MediaDirection From(bool sends, bool receives) => (sends, receives) switch
    {
        (true, true) => MediaDirection.SendRecv,
        (true, false) => MediaDirection.SendOnly,
        (false, true) => MediaDirection.RecvOnly,
        _ => MediaDirection.Inactive,
    };

    public static string ToSdp(this MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        MediaDirection.Inactive => "inactive",
        _ => "sendrecv",
    };
}
