using One2One.MediaServer.Rtc.Dtls;

namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>What one endpoint sends as, per media kind: the SSRC, RTCP CNAME and msid (RFC 8830) of its outgoing stream.</summary>
internal sealed record LocalStreamIdentity(uint Ssrc, string Cname, string StreamId, string TrackId);

/// <summary>
/// The endpoint's single bundled transport as the answer advertises it: ICE-lite credentials and the DTLS
/// certificate fingerprint (<see cref="DtlsCertificate.Fingerprint"/>), plus the outgoing stream of each kind, and the
/// host candidates the answer carries (values starting "candidate:", as <see cref="IceCandidate.ToString"/> writes them).
/// </summary>
internal sealed record LocalTransportParameters(
    string IceUfrag,
    string IcePwd,
    DtlsFingerprint Fingerprint,
    LocalStreamIdentity Audio,
    LocalStreamIdentity Video,
    IReadOnlyList<string>? Candidates = null);

/// <summary>Endpoint policy for the answer.</summary>
internal sealed record SdpAnswerOptions
{
    /// <summary>Offer H264 (constrained baseline 42e01f, packetization-mode=1) next to VP8 when the browser offers it.</summary>
    public bool AllowH264 { get; init; }

    /// <summary>Bits per second the browser may send on its video section (b=TIAS, b=AS); 0 means no limit.</summary>
    public long MaxVideoBitrate { get; init; }

    /// <summary>
    /// Bits per second the browser's video encoder starts at (VP8/H264 fmtp <c>x-google-start-bitrate</c>, kbps, which
    /// Chromium reads from the answer), at most <see cref="MaxVideoBitrate"/>; 0 leaves the browser's default (300 kbps).
    /// </summary>
    public long VideoStartBitrate { get; init; }

    /// <summary>False for a recvonly WebRtcEndpoint: the answer never includes send.</summary>
    public bool CanSend { get; init; } = true;

    /// <summary>False for a sendonly WebRtcEndpoint: the answer never includes receive.</summary>
    public bool CanReceive { get; init; } = true;

    /// <summary>The s= line.</summary>
    public string SessionName { get; init; } = "-";
}
