using One2One.MediaServer.Protocol;

namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>
/// A parsed session description (RFC 8866) with the WebRTC attributes the media server relies on
/// (RFC 8829 JSEP, RFC 8843 BUNDLE, RFC 8839 ICE, RFC 8122 fingerprint, RFC 5761 rtcp-mux). Immutable.
/// </summary>
internal sealed class SessionDescription
{
    /// <summary>The o= line's fields: username, session id, version, network type, address type, address.</summary>
    public required string Origin { get; init; }

    /// <summary>The o= line's session id (the parser checked its six fields).</summary>
    public string SessionId => Origin.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

    public required string SessionName { get; init; }

    public required IReadOnlyList<MediaDescription> Media { get; init; }

    /// <summary>a=group:BUNDLE lines, each a list of mids (RFC 8843 §7.1).</summary>
    public IReadOnlyList<IReadOnlyList<string>> BundleGroups { get; init; } = [];

    /// <summary>a=ice-lite at session level (RFC 8839 §5.3).</summary>
    public bool IceLite { get; init; }

    /// <summary>a=ice-options tokens, e.g. "trickle".</summary>
    public IReadOnlyList<string> IceOptions { get; init; } = [];

    /// <summary>The a=msid-semantic value as written, e.g. "WMS stream" or "WMS *".</summary>
    public string? MsidSemantic { get; init; }

    /// <summary>Session-level attributes in order, the known ones included.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>The BUNDLE group a mid belongs to, or null.</summary>
    public IReadOnlyList<string>? BundleGroupOf(string? mid)
    {
        if (mid is null)
        {
            return null;
        }

        foreach (var group in BundleGroups)
        {
            foreach (var member in group)
            {
                if (member == mid)
                {
                    return group;
                }
            }
        }

        return null;
    }

    public static bool TryParse(string? text, out SessionDescription? description, out string? error) =>
        SdpParser.TryParse(text, out description, out error);

    /// <summary>Parses or throws <see cref="KurentoErrorException"/> with <see cref="KurentoErrorCode.SdpParseError"/>.</summary>
    public static SessionDescription Parse(string? text) =>
        TryParse(text, out var description, out var error)
            ? description!
            : throw new KurentoErrorException(KurentoErrorCode.SdpParseError, "Invalid SDP: " + error);
}
