using System.Globalization;
using System.Text;
using One2One.MediaServer.Protocol;

namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>
/// Answers a browser's offer for an ICE-lite, DTLS-server (a=setup:passive) endpoint with one bundled, rtcp-muxed
/// transport that relays media without transcoding: opus for audio; VP8 (and H264 42e01f when allowed) for video;
/// no rtx/red/ulpfec, no header extensions (the relay does not rewrite their ids), no transport-cc (we send no
/// TWCC feedback), no candidates (they are trickled). Sections we cannot carry are rejected with port 0.
/// </summary>
internal static class SdpAnswerBuilder
{
    private const string OpusFmtp = "minptime=10;useinbandfec=1";
    private const int MaxReasonsListed = 4;
    private const string H264ProfileLevelId = "42e01f";

    // RFC 4585 / webrtc feedback we honour for video: retransmission requests, keyframe requests, REMB.
    private static readonly string[] VideoFeedback = ["nack", "nack pli", "ccm fir", "goog-remb"];

    /// <summary>
    /// Builds the answer. Throws <see cref="KurentoErrorException"/> (<see cref="KurentoErrorCode.SdpEndPointProcessOffer"/>)
    /// when the offer cannot be answered at all: a=setup:passive or holdconn, an accepted section without rtcp-mux,
    /// or nothing acceptable.
    /// </summary>
    public static SdpAnswer Build(SessionDescription offer, LocalTransportParameters local, SdpAnswerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(local);
        options ??= new SdpAnswerOptions();
        Validate(local);

        // One transport: with BUNDLE, the group holding the first acceptable section is ours.
        IReadOnlyList<string>? bundle = null;
        var results = new List<NegotiatedMedia>(offer.Media.Count);
        var usedKinds = new HashSet<MediaKind>();
        MediaDescription? first = null;
        foreach (var media in offer.Media)
        {
            var codecs = new List<NegotiatedCodec>();
            var reason = RejectionReason(media, options, usedKinds, codecs);
            if (reason is null && offer.BundleGroups.Count > 0)
            {
                var group = offer.BundleGroupOf(media.Mid);
                if (group is null || (bundle is not null && !ReferenceEquals(group, bundle)))
                {
                    reason = "it is outside the BUNDLE group, and this endpoint has a single transport";
                }
                else
                {
                    bundle ??= group;
                }
            }

            if (reason is not null)
            {
                results.Add(new NegotiatedMedia { Index = media.Index, Mid = media.Mid, Kind = media.Kind, Accepted = false, RejectionReason = reason });
                continue;
            }

            CheckTransport(media);
            first ??= media;
            usedKinds.Add(media.Kind);
            var identity = media.Kind == MediaKind.Audio ? local.Audio : local.Video;
            results.Add(new NegotiatedMedia
            {
                Index = media.Index,
                Mid = media.Mid,
                Kind = media.Kind,
                Accepted = true,
                Codecs = codecs,
                Direction = MediaDirections.From(
                    media.Direction.Reverse().Sends() && options.CanSend,
                    media.Direction.Reverse().Receives() && options.CanReceive),
                RemoteSsrcs = RemoteSsrcs(media),
                RtcpReducedSize = media.RtcpReducedSize,
                LocalSsrc = identity.Ssrc,
            });
        }

        if (first is null)
        {
            // The first few say why; an offer of a thousand m= lines does not get a thousand reasons back.
            var reasons = string.Join("; ", results.Take(MaxReasonsListed).Select(r => $"m= line {r.Index}: {r.RejectionReason}"));
            if (results.Count > MaxReasonsListed)
            {
                reasons += $"; and {results.Count - MaxReasonsListed} more";
            }

            throw new KurentoErrorException(KurentoErrorCode.SdpEndPointProcessOffer, "Nothing in the offer can be accepted: " + reasons);
        }

        var remote = new RemoteTransport(first.IceUfrag!, first.IcePwd!, first.Fingerprints, first.Setup ?? DtlsSetup.Active, offer.SessionId);
        var sdp = Write(offer, local, options, results, bundled: bundle is not null);
        return new SdpAnswer(sdp, results, remote, Bundled: bundle is not null);
    }

    private static string? RejectionReason(MediaDescription media, SdpAnswerOptions options, HashSet<MediaKind> usedKinds, List<NegotiatedCodec> codecs)
    {
        if (media.IsDisabled)
        {
            return "the offer disabled it (port 0)";
        }

        if (media.Kind is not (MediaKind.Audio or MediaKind.Video))
        {
            return $"'{SdpText.Shorten(media.Media)}' media is not supported";
        }

        if (!IsSecureRtpProfile(media.Protocol))
        {
            return $"the protocol '{SdpText.Shorten(media.Protocol)}' is not DTLS-SRTP with RTCP feedback (UDP/TLS/RTP/SAVPF)";
        }

        if (usedKinds.Contains(media.Kind))
        {
            return $"only one {SdpText.Shorten(media.Media)} section is supported";
        }

        if (media.Kind == MediaKind.Audio)
        {
            var opus = FindCodec(media, "opus", 48000, 2, static _ => true);
            if (opus is null)
            {
                return "the offer has no opus/48000/2";
            }

            codecs.Add(new NegotiatedCodec(opus.PayloadType, "opus", 48000, 2, OpusFmtp));
            return null;
        }

        var vp8 = FindCodec(media, "VP8", 90000, 1, static _ => true);
        if (vp8 is not null)
        {
            codecs.Add(new NegotiatedCodec(vp8.PayloadType, "VP8", 90000, 1, StartBitrateParameter(options)));
        }

        if (options.AllowH264)
        {
            var h264 = FindCodec(media, "H264", 90000, 1, static fmtp =>
                FmtpValue(fmtp, "packetization-mode") == "1"
                && string.Equals(FmtpValue(fmtp, "profile-level-id"), H264ProfileLevelId, StringComparison.OrdinalIgnoreCase));
            if (h264 is not null)
            {
                var fmtp = FmtpValue(media.FormatParametersOf(h264.PayloadType), "level-asymmetry-allowed") == "1"
                    ? "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + H264ProfileLevelId
                    : "packetization-mode=1;profile-level-id=" + H264ProfileLevelId;
                codecs.Add(new NegotiatedCodec(h264.PayloadType, "H264", 90000, 1, StartBitrateParameter(options) is { } start ? fmtp + ";" + start : fmtp));
            }
        }

        return codecs.Count > 0 ? null : options.AllowH264 ? "the offer has neither VP8 nor H264 (42e01f, packetization-mode=1)" : "the offer has no VP8";
    }

    /// <summary>
    /// <c>x-google-start-bitrate</c> (kbps) for the video codecs: a sender starting at Chromium's default 300 kbps paces
    /// its first keyframe out over about 100 ms, which is most of the wait for the first frame at call set-up.
    /// </summary>
    private static string? StartBitrateParameter(SdpAnswerOptions options)
    {
        var start = options.MaxVideoBitrate > 0 ? Math.Min(options.VideoStartBitrate, options.MaxVideoBitrate) : options.VideoStartBitrate;
        return start >= 1000 ? "x-google-start-bitrate=" + (start / 1000).ToString(CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Errors rather than rejections: a browser offer that breaks these cannot be answered by a DTLS server on one port.</summary>
    private static void CheckTransport(MediaDescription media)
    {
        var label = SdpText.MediaLabel(media.Index, media.Mid);
        if (media.Setup is DtlsSetup.Passive or DtlsSetup.HoldConn)
        {
            throw new KurentoErrorException(KurentoErrorCode.SdpEndPointProcessOffer,
                $"{label} has a=setup:{(media.Setup == DtlsSetup.Passive ? "passive" : "holdconn")}; this endpoint is only a DTLS server, so the offer must be actpass or active");
        }

        if (!media.RtcpMux)
        {
            throw new KurentoErrorException(KurentoErrorCode.SdpEndPointProcessOffer,
                $"{label} has no a=rtcp-mux; this endpoint carries RTP and RTCP on one port (RFC 5761)");
        }
    }

    private static bool IsSecureRtpProfile(string protocol) =>
        protocol.Equals("UDP/TLS/RTP/SAVPF", StringComparison.OrdinalIgnoreCase)
        || protocol.Equals("RTP/SAVPF", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first offered payload type (in m= line order) with the encoding, clock rate, channels and an acceptable fmtp.</summary>
    private static RtpMap? FindCodec(MediaDescription media, string name, int clockRate, int channels, Func<string?, bool> fmtpAccepts)
    {
        foreach (var format in media.Formats)
        {
            if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt))
            {
                continue;
            }

            var map = media.FindRtpMap(pt);
            if (map is not null
                && map.EncodingName.Equals(name, StringComparison.OrdinalIgnoreCase)
                && map.ClockRate == clockRate
                && map.Channels == channels
                && fmtpAccepts(media.FormatParametersOf(pt)))
            {
                return map;
            }
        }

        return null;
    }

    private static string? FmtpValue(string? fmtp, string name)
    {
        if (fmtp is null)
        {
            return null;
        }

        foreach (var parameter in fmtp.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && parameter[..equals].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return parameter[(equals + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>Media SSRCs in order of appearance, each with the RTX SSRC its FID group pairs it with (RFC 5576, RFC 4588).</summary>
    private static List<RemoteSsrc> RemoteSsrcs(MediaDescription media)
    {
        var rtxOf = new Dictionary<uint, uint>();
        var retransmissions = new HashSet<uint>();
        foreach (var group in media.SsrcGroups)
        {
            if (group.Semantics.Equals("FID", StringComparison.OrdinalIgnoreCase) && group.Ssrcs.Count == 2)
            {
                rtxOf[group.Ssrcs[0]] = group.Ssrcs[1];
                retransmissions.Add(group.Ssrcs[1]);
            }
        }

        var result = new List<RemoteSsrc>();
        var seen = new HashSet<uint>();
        foreach (var attribute in media.SsrcAttributes)
        {
            if (retransmissions.Contains(attribute.Ssrc) || !seen.Add(attribute.Ssrc))
            {
                continue;
            }

            string? cname = null;
            foreach (var other in media.SsrcAttributes)
            {
                if (other.Ssrc == attribute.Ssrc && other.Attribute.Equals("cname", StringComparison.OrdinalIgnoreCase))
                {
                    cname = other.Value;
                    break;
                }
            }

            result.Add(new RemoteSsrc(attribute.Ssrc, rtxOf.TryGetValue(attribute.Ssrc, out var rtx) ? rtx : null, cname));
        }

        return result;
    }

    private static string Write(SessionDescription offer, LocalTransportParameters local, SdpAnswerOptions options, List<NegotiatedMedia> results, bool bundled)
    {
        var sdp = new StringBuilder(2048);
        var sessionId = Random.Shared.NextInt64(1, long.MaxValue);
        Line(sdp, "v=0");
        Line(sdp, $"o=- {sessionId.ToString(CultureInfo.InvariantCulture)} 2 IN IP4 0.0.0.0");
        Line(sdp, "s=" + options.SessionName);
        Line(sdp, "t=0 0");
        Line(sdp, "a=ice-lite");
        if (bundled)
        {
            Line(sdp, "a=group:BUNDLE " + string.Join(' ', results.Where(r => r.Accepted && r.Mid is not null).Select(r => r.Mid)));
        }

        var streams = results.Where(r => r.Accepted && r.Direction.Sends())
            .Select(r => (r.Kind == MediaKind.Audio ? local.Audio : local.Video).StreamId)
            .Distinct(StringComparer.Ordinal);
        Line(sdp, ("a=msid-semantic: WMS " + string.Join(' ', streams)).TrimEnd());

        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            var media = offer.Media[i];
            if (!result.Accepted)
            {
                Line(sdp, $"m={media.Media} 0 {media.Protocol} {string.Join(' ', media.Formats)}");
                Line(sdp, "c=IN IP4 0.0.0.0");
                if (media.Mid is not null)
                {
                    Line(sdp, "a=mid:" + media.Mid);
                }

                continue;
            }

            var identity = result.Kind == MediaKind.Audio ? local.Audio : local.Video;
            Line(sdp, $"m={media.Media} 9 {media.Protocol} {string.Join(' ', result.Codecs.Select(c => c.PayloadType.ToString(CultureInfo.InvariantCulture)))}");
            Line(sdp, "c=IN IP4 0.0.0.0");
            if (result.Kind == MediaKind.Video && options.MaxVideoBitrate > 0)
            {
                // RFC 3890 §6.2 b=TIAS in bits per second; b=AS (RFC 4566 §5.8, kilobits) for browsers that read only it.
                Line(sdp, "b=AS:" + Math.Max(1, options.MaxVideoBitrate / 1000).ToString(CultureInfo.InvariantCulture));
                Line(sdp, "b=TIAS:" + options.MaxVideoBitrate.ToString(CultureInfo.InvariantCulture));
            }

            Line(sdp, "a=rtcp:9 IN IP4 0.0.0.0");
            Line(sdp, "a=ice-ufrag:" + local.IceUfrag);
            Line(sdp, "a=ice-pwd:" + local.IcePwd);
            Line(sdp, "a=fingerprint:" + local.Fingerprint);
            Line(sdp, "a=setup:passive");
            if (media.Mid is not null)
            {
                Line(sdp, "a=mid:" + media.Mid);
            }

            // RFC 8839 §5.1: candidates in the answer itself, so the browser starts its checks the moment it applies the
            // answer instead of waiting for the first trickled one to cross the signaling path.
            foreach (var candidate in local.Candidates ?? [])
            {
                Line(sdp, "a=" + candidate);
            }

            Line(sdp, "a=" + result.Direction.ToSdp());
            if (result.Direction.Sends())
            {
                Line(sdp, $"a=msid:{identity.StreamId} {identity.TrackId}");
            }

            Line(sdp, "a=rtcp-mux");
            if (result.RtcpReducedSize)
            {
                Line(sdp, "a=rtcp-rsize");
            }

            foreach (var codec in result.Codecs)
            {
                var pt = codec.PayloadType.ToString(CultureInfo.InvariantCulture);
                Line(sdp, codec.Channels > 1
                    ? $"a=rtpmap:{pt} {codec.Name}/{codec.ClockRate.ToString(CultureInfo.InvariantCulture)}/{codec.Channels.ToString(CultureInfo.InvariantCulture)}"
                    : $"a=rtpmap:{pt} {codec.Name}/{codec.ClockRate.ToString(CultureInfo.InvariantCulture)}");
                if (result.Kind == MediaKind.Video)
                {
                    foreach (var feedback in VideoFeedback)
                    {
                        if (media.HasFeedback(codec.PayloadType, feedback))
                        {
                            Line(sdp, $"a=rtcp-fb:{pt} {feedback}");
                        }
                    }
                }

                if (codec.Fmtp is not null)
                {
                    Line(sdp, $"a=fmtp:{pt} {codec.Fmtp}");
                }
            }

            if (result.Direction.Sends())
            {
                var ssrc = identity.Ssrc.ToString(CultureInfo.InvariantCulture);
                Line(sdp, $"a=ssrc:{ssrc} cname:{identity.Cname}");
                Line(sdp, $"a=ssrc:{ssrc} msid:{identity.StreamId} {identity.TrackId}");
            }
        }

        return sdp.ToString();
    }

    private static void Line(StringBuilder sdp, string line) => sdp.Append(line).Append("\r\n");

    private static void Validate(LocalTransportParameters local)
    {
        if (!IceCandidate.IsIceChars(local.IceUfrag, 4, 256))
        {
            throw new ArgumentException("The local ice-ufrag must be 4 to 256 ice-chars.", nameof(local));
        }

        if (!IceCandidate.IsIceChars(local.IcePwd, 22, 256))
        {
            throw new ArgumentException("The local ice-pwd must be 22 to 256 ice-chars.", nameof(local));
        }

        ArgumentNullException.ThrowIfNull(local.Fingerprint);
        foreach (var identity in new[] { local.Audio, local.Video })
        {
            ArgumentNullException.ThrowIfNull(identity, nameof(local));
            if (!IsSdpToken(identity.Cname, 255) || !IsSdpToken(identity.StreamId, 64) || !IsSdpToken(identity.TrackId, 64))
            {
                throw new ArgumentException("CNAME, stream id and track id must be non-empty and without spaces (RFC 8830 §2: ids up to 64 chars).", nameof(local));
            }
        }
    }

    private static bool IsSdpToken(string value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c <= ' ' || c >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }
}
