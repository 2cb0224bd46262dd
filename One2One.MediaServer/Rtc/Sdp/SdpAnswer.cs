using One2One.MediaServer.Rtc.Dtls;

namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>The answer text and, per offered m= line in order, what was negotiated: what the relay configures itself from.</summary>
internal sealed record SdpAnswer(
    string Sdp,
    IReadOnlyList<NegotiatedMedia> Media,
    RemoteTransport Remote,
    bool Bundled);

/// <summary>
/// The browser's side of the one transport, taken from the first accepted section: its ICE credentials
/// (to check its connectivity checks), the fingerprints its DTLS client certificate must match, its setup role, and the
/// offer's session id (the o= line's sess-id: JSEP gives each RTCPeerConnection its own and keeps it across its offers).
/// </summary>
internal sealed record RemoteTransport(string IceUfrag, string IcePwd, IReadOnlyList<DtlsFingerprint> Fingerprints, DtlsSetup Setup, string SessionId);

/// <summary>
/// One m= line's outcome. When <see cref="Accepted"/>, <see cref="Codecs"/> holds what the browser may send and
/// receive, first preferred, with the offer's payload types; <see cref="Direction"/> is ours (RFC 3264 §6.1).
/// </summary>
internal sealed record NegotiatedMedia
{
    public required int Index { get; init; }

    public required string? Mid { get; init; }

    public required MediaKind Kind { get; init; }

    public required bool Accepted { get; init; }

    /// <summary>Why the section was rejected (port 0 in the answer); null when accepted.</summary>
    public string? RejectionReason { get; init; }

    public IReadOnlyList<NegotiatedCodec> Codecs { get; init; } = [];

    public NegotiatedCodec? Codec => Codecs.Count > 0 ? Codecs[0] : null;

    public MediaDirection Direction { get; init; } = MediaDirection.Inactive;

    /// <summary>The browser's sending SSRCs from a=ssrc/a=ssrc-group; empty when the offer has none (learn them from packets).</summary>
    public IReadOnlyList<RemoteSsrc> RemoteSsrcs { get; init; } = [];

    /// <summary>Both sides agreed to reduced-size RTCP (RFC 5506).</summary>
    public bool RtcpReducedSize { get; init; }

    /// <summary>The SSRC we send (and report RTCP) with; null when rejected.</summary>
    public uint? LocalSsrc { get; init; }
}

/// <summary>A codec of the answer: the offer's payload type, and the fmtp we answered (null when none).</summary>
internal sealed record NegotiatedCodec(int PayloadType, string Name, int ClockRate, int Channels, string? Fmtp);

/// <summary>A stream the browser announced: its media SSRC, the RTX SSRC paired with it by ssrc-group:FID, and its CNAME.</summary>
internal sealed record RemoteSsrc(uint Ssrc, uint? RtxSsrc, string? Cname);
