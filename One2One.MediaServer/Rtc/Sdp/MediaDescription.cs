using One2One.MediaServer.Rtc.Dtls;

namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>
/// One media section of a parsed session description (RFC 8866 §5.14 and the attributes WebRTC uses).
/// Transport attributes (ICE credentials, fingerprint, setup) are the section's own, falling back to the
/// session-level ones (RFC 8839 §5.4, RFC 8122 §5). Immutable once parsed.
/// </summary>
internal sealed class MediaDescription
{
    /// <summary>Zero-based position of the m= line, the sdpMLineIndex of candidates.</summary>
    public required int Index { get; init; }

    public required MediaKind Kind { get; init; }

    /// <summary>The &lt;media&gt; field as written ("audio", "video", "application", or anything else).</summary>
    public required string Media { get; init; }

    public required int Port { get; init; }

    public required string Protocol { get; init; }

    /// <summary>The &lt;fmt&gt; list: payload types for RTP sections, e.g. "webrtc-datachannel" for SCTP.</summary>
    public required IReadOnlyList<string> Formats { get; init; }

    public string? Mid { get; init; }

    public MediaDirection Direction { get; init; } = MediaDirection.SendRecv;

    public bool RtcpMux { get; init; }

    public bool RtcpReducedSize { get; init; }

    /// <summary>a=bundle-only (RFC 8843 §6): a zero port does not mean rejected.</summary>
    public bool BundleOnly { get; init; }

    public string? IceUfrag { get; init; }

    public string? IcePwd { get; init; }

    /// <summary>All a=fingerprint values that apply (the section's own, else the session's); RFC 8122 §5 allows several.</summary>
    public IReadOnlyList<DtlsFingerprint> Fingerprints { get; init; } = [];

    /// <summary>The a=setup value, or null when absent (RFC 4145 then means active; JSEP offers always carry it).</summary>
    public DtlsSetup? Setup { get; init; }

    public IReadOnlyList<RtpMap> RtpMaps { get; init; } = [];

    /// <summary>a=fmtp parameters by payload type, as written.</summary>
    public IReadOnlyDictionary<int, string> FormatParameters { get; init; } = new Dictionary<int, string>();

    public IReadOnlyList<RtcpFeedback> RtcpFeedback { get; init; } = [];

    public IReadOnlyList<HeaderExtensionMap> HeaderExtensions { get; init; } = [];

    public IReadOnlyList<SsrcAttribute> SsrcAttributes { get; init; } = [];

    public IReadOnlyList<SsrcGroup> SsrcGroups { get; init; } = [];

    public MediaStreamId? Msid { get; init; }

    /// <summary>a=candidate values as written (without "a="); see <see cref="IceCandidate.TryParse"/>.</summary>
    public IReadOnlyList<string> Candidates { get; init; } = [];

    public bool EndOfCandidates { get; init; }

    /// <summary>Every attribute of the section in order, the known ones included.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>A zero port without bundle-only: the offerer disabled the section (RFC 3264 §5.1).</summary>
    public bool IsDisabled => Port == 0 && !BundleOnly;

    public bool IsRtp => Protocol.Contains("RTP/", StringComparison.OrdinalIgnoreCase);

    public RtpMap? FindRtpMap(int payloadType)
    {
        foreach (var map in RtpMaps)
        {
            if (map.PayloadType == payloadType)
            {
                return map;
            }
        }

        return null;
    }

    public string? FormatParametersOf(int payloadType) => FormatParameters.TryGetValue(payloadType, out var value) ? value : null;

    /// <summary>True when the section offers rtcp-fb <paramref name="feedback"/> (e.g. "nack pli") for the payload type or for "*".</summary>
    public bool HasFeedback(int payloadType, string feedback)
    {
        foreach (var fb in RtcpFeedback)
        {
            if ((fb.PayloadType is null || fb.PayloadType == payloadType) && fb.Value.Equals(feedback, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public string? AttributeValue(string name)
    {
        foreach (var attribute in Attributes)
        {
            if (attribute.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return attribute.Value;
            }
        }

        return null;
    }
}
