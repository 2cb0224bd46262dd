using System.Globalization;
using One2One.MediaServer.Rtc.Dtls;

namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>
/// Turns SDP text into a <see cref="SessionDescription"/> and checks what the relay relies on: v=0 first, o= and s=,
/// at least one m= line, ICE credentials and a usable fingerprint for every section in use, valid setup values and
/// well-formed rtpmap/fmtp/rtcp-fb/extmap/ssrc lines. Unknown attributes are kept, never an error. Bounded so that
/// an absurd offer is refused before it costs anything.
/// </summary>
internal static class SdpParser
{
    public const int MaxLength = 64 * 1024;
    public const int MaxLines = 4096;
    public const int MaxMediaSections = 64;

    public static bool TryParse(string? text, out SessionDescription? description, out string? error)
    {
        description = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the SDP is empty";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"the SDP is longer than {MaxLength / 1024} KiB";
            return false;
        }

        var session = new SessionBuilder();
        MediaBuilder? media = null;
        var lineNumber = 0;
        var seenVersion = false;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            if (lineNumber > MaxLines)
            {
                error = $"the SDP has more than {MaxLines} lines";
                return false;
            }

            var line = rawLine.TrimEnd();
            if (line.IsEmpty)
            {
                continue;
            }

            if (!seenVersion)
            {
                if (!line.SequenceEqual("v=0"))
                {
                    error = $"the SDP does not start with v=0 (it starts with '{SdpText.Shorten(line.ToString())}')";
                    return false;
                }

                seenVersion = true;
                continue;
            }

            if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z')
            {
                error = $"line {lineNumber} ('{SdpText.Shorten(line.ToString())}') is not <type>=<value>";
                return false;
            }

            var type = line[0];
            var value = line[2..].ToString();

            string? lineError;
            switch (type)
            {
                case 'v':
                    lineError = "v= appears more than once";
                    break;
                case 'o' when media is null:
                    lineError = ParseOrigin(value, session);
                    break;
                case 's' when media is null:
                    session.SessionName = value;
                    lineError = null;
                    break;
                case 'm':
                    if (session.Media.Count == MaxMediaSections)
                    {
                        error = $"the SDP has more than {MaxMediaSections} m= lines";
                        return false;
                    }

                    lineError = ParseMediaLine(value, session.Media.Count, out media);
                    if (media is not null)
                    {
                        session.Media.Add(media);
                    }

                    break;
                case 'a':
                    lineError = media is null ? ParseSessionAttribute(value, session) : ParseMediaAttribute(value, media);
                    break;
                default:
                    // c=, t=, b=, i=, u=, e=, p=, z=, r=, k=: nothing the relay needs.
                    lineError = null;
                    break;
            }

            if (lineError is not null)
            {
                error = $"line {lineNumber}: {lineError}";
                return false;
            }
        }

        if (!seenVersion)
        {
            error = "the SDP does not start with v=0";
            return false;
        }

        error = Validate(session);
        if (error is not null)
        {
            return false;
        }

        description = session.Build();
        return true;
    }

    private static string? ParseOrigin(string value, SessionBuilder session)
    {
        var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            return $"o= must have 6 fields (username sess-id sess-version nettype addrtype address), found {fields.Length}";
        }

        session.Origin = value;
        return null;
    }

    private static string? ParseMediaLine(string value, int index, out MediaBuilder? media)
    {
        media = null;
        var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4)
        {
            return $"m= must be '<media> <port> <proto> <fmt> ...', found '{SdpText.Shorten(value)}'";
        }

        var portText = fields[1];
        var slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            portText = portText[..slash];
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return $"the m= port '{SdpText.Shorten(fields[1])}' is not a number from 0 to 65535";
        }

        var kind = fields[0].ToLowerInvariant() switch
        {
            "audio" => MediaKind.Audio,
            "video" => MediaKind.Video,
            "application" => MediaKind.Application,
            _ => MediaKind.Other,
        };
        media = new MediaBuilder(index, kind, fields[0], port, fields[2], fields[3..]);
        return null;
    }

    private static string? ParseSessionAttribute(string text, SessionBuilder session)
    {
        var (name, value) = SplitAttribute(text);
        if (name.Length == 0)
        {
            return $"a= has no attribute name: '{SdpText.Shorten(text)}'";
        }

        session.Attributes.Add(new SdpAttribute(name, value));
        switch (name.ToLowerInvariant())
        {
            case "group":
                var fields = (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0)
                {
                    return "a=group has no semantics";
                }

                if (fields[0].Equals("BUNDLE", StringComparison.OrdinalIgnoreCase))
                {
                    session.BundleGroups.Add(fields[1..]);
                }

                return null;
            case "ice-lite":
                session.IceLite = true;
                return null;
            case "ice-options":
                session.IceOptions.AddRange((value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
                return null;
            case "msid-semantic":
                session.MsidSemantic = value?.Trim();
                return null;
            default:
                return ParseTransportAttribute(name, value, session.Transport);
        }
    }

    private static string? ParseMediaAttribute(string text, MediaBuilder media)
    {
        var (name, value) = SplitAttribute(text);
        if (name.Length == 0)
        {
            return $"a= has no attribute name: '{SdpText.Shorten(text)}'";
        }

        media.Attributes.Add(new SdpAttribute(name, value));
        switch (name.ToLowerInvariant())
        {
            case "mid":
                if (string.IsNullOrWhiteSpace(value))
                {
                    return "a=mid has no value";
                }

                media.Mid = value.Trim();
                return null;
            case "sendrecv":
                media.Direction = MediaDirection.SendRecv;
                return null;
            case "sendonly":
                media.Direction = MediaDirection.SendOnly;
                return null;
            case "recvonly":
                media.Direction = MediaDirection.RecvOnly;
                return null;
            case "inactive":
                media.Direction = MediaDirection.Inactive;
                return null;
            case "rtcp-mux":
                media.RtcpMux = true;
                return null;
            case "rtcp-rsize":
                media.RtcpReducedSize = true;
                return null;
            case "bundle-only":
                media.BundleOnly = true;
                return null;
            case "end-of-candidates":
                media.EndOfCandidates = true;
                return null;
            case "candidate":
                media.Candidates.Add("candidate:" + value);
                return null;
            case "rtpmap":
                return ParseRtpMap(value, media);
            case "fmtp":
                return ParseFmtp(value, media);
            case "rtcp-fb":
                return ParseRtcpFeedback(value, media);
            case "extmap":
                return ParseExtmap(value, media);
            case "ssrc":
                return ParseSsrc(value, media);
            case "ssrc-group":
                return ParseSsrcGroup(value, media);
            case "msid":
                var ids = (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (ids.Length is 0 or > 2)
                {
                    return $"a=msid must be '<stream id> [<track id>]', found '{SdpText.Shorten(value ?? "")}'";
                }

                media.Msid = new MediaStreamId(ids[0], ids.Length == 2 ? ids[1] : null);
                return null;
            default:
                return ParseTransportAttribute(name, value, media.Transport);
        }
    }

    /// <summary>ice-ufrag, ice-pwd, fingerprint and setup may sit at session or media level.</summary>
    private static string? ParseTransportAttribute(string name, string? value, TransportBuilder transport)
    {
        switch (name.ToLowerInvariant())
        {
            case "ice-ufrag":
                // RFC 8839 §5.4: 4 to 256 ice-chars.
                if (value is null || !IceCandidate.IsIceChars(value, 4, 256))
                {
                    return "a=ice-ufrag must be 4 to 256 characters of [A-Za-z0-9+/]";
                }

                transport.IceUfrag = value;
                return null;
            case "ice-pwd":
                // RFC 8839 §5.4: 22 to 256 ice-chars.
                if (value is null || !IceCandidate.IsIceChars(value, 22, 256))
                {
                    return "a=ice-pwd must be 22 to 256 characters of [A-Za-z0-9+/]";
                }

                transport.IcePwd = value;
                return null;
            case "fingerprint":
                if (!DtlsFingerprint.TryParse(value, out var fingerprint, out var fingerprintError))
                {
                    return "a=fingerprint: " + fingerprintError;
                }

                transport.Fingerprints.Add(fingerprint!);
                return null;
            case "setup":
                if (value is null || !DtlsSetups.TryParse(value.Trim(), out var setup))
                {
                    return $"a=setup must be actpass, active, passive or holdconn, found '{SdpText.Shorten(value ?? "")}'";
                }

                transport.Setup = setup;
                return null;
            default:
                return null;
        }
    }

    private static string? ParseRtpMap(string? value, MediaBuilder media)
    {
        var malformed = $"a=rtpmap must be '<pt> <encoding>/<clock rate>[/<channels>]', found '{SdpText.Shorten(value ?? "")}'";
        var fields = (value ?? "").Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 2 || !TryParsePayloadType(fields[0], out var pt))
        {
            return malformed;
        }

        var parts = fields[1].Trim().Split('/');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var clockRate) || clockRate == 0)
        {
            return malformed;
        }

        var channels = 1;
        if (parts.Length == 3 && (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out channels) || channels == 0))
        {
            return malformed;
        }

        if (media.FindRtpMap(pt))
        {
            return $"a=rtpmap for payload type {pt} appears twice";
        }

        media.RtpMaps.Add(new RtpMap(pt, parts[0], clockRate, channels));
        return null;
    }

    private static string? ParseFmtp(string? value, MediaBuilder media)
    {
        var fields = (value ?? "").Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || !TryParsePayloadType(fields[0], out var pt))
        {
            return $"a=fmtp must be '<pt> <parameters>', found '{SdpText.Shorten(value ?? "")}'";
        }

        media.FormatParameters[pt] = fields.Length == 2 ? fields[1].Trim() : "";
        return null;
    }

    private static string? ParseRtcpFeedback(string? value, MediaBuilder media)
    {
        var fields = (value ?? "").Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        int? pt = null;
        if (fields.Length < 2 || (fields[0] != "*" && !TryParseNullablePayloadType(fields[0], out pt)))
        {
            return $"a=rtcp-fb must be '<pt|*> <type> [<parameter>]', found '{SdpText.Shorten(value ?? "")}'";
        }

        media.RtcpFeedback.Add(new RtcpFeedback(pt, fields[1], fields.Length == 3 ? fields[2].Trim() : null));
        return null;
    }

    private static string? ParseExtmap(string? value, MediaBuilder media)
    {
        var malformed = $"a=extmap must be '<id>[/<direction>] <uri> [<attributes>]', found '{SdpText.Shorten(value ?? "")}'";
        var fields = (value ?? "").Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            return malformed;
        }

        var idText = fields[0];
        string? direction = null;
        var slash = idText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            direction = idText[(slash + 1)..];
            idText = idText[..slash];
        }

        // RFC 8285 §5: ids 1-14 (one-byte form) and 1-255 (two-byte form).
        if (!int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id is < 1 or > 255)
        {
            return malformed;
        }

        media.HeaderExtensions.Add(new HeaderExtensionMap(id, direction, fields[1], fields.Length == 3 ? fields[2].Trim() : null));
        return null;
    }

    private static string? ParseSsrc(string? value, MediaBuilder media)
    {
        var fields = (value ?? "").Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 2 || !uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc))
        {
            return $"a=ssrc must be '<ssrc> <attribute>[:<value>]' with a 32-bit ssrc, found '{SdpText.Shorten(value ?? "")}'";
        }

        var (attribute, attributeValue) = SplitAttribute(fields[1].Trim());
        media.SsrcAttributes.Add(new SsrcAttribute(ssrc, attribute, attributeValue));
        return null;
    }

    private static string? ParseSsrcGroup(string? value, MediaBuilder media)
    {
        var fields = (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            return $"a=ssrc-group must be '<semantics> <ssrc> ...', found '{SdpText.Shorten(value ?? "")}'";
        }

        var ssrcs = new uint[fields.Length - 1];
        for (var i = 1; i < fields.Length; i++)
        {
            if (!uint.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out ssrcs[i - 1]))
            {
                return $"a=ssrc-group has '{SdpText.Shorten(fields[i])}' where a 32-bit ssrc belongs";
            }
        }

        if (fields[0].Equals("FID", StringComparison.OrdinalIgnoreCase) && ssrcs.Length != 2)
        {
            return "a=ssrc-group:FID must name exactly two ssrcs (media, retransmission)";
        }

        media.SsrcGroups.Add(new SsrcGroup(fields[0], ssrcs));
        return null;
    }

    private static string? Validate(SessionBuilder session)
    {
        if (session.Origin is null)
        {
            return "the SDP has no o= line";
        }

        if (session.SessionName is null)
        {
            return "the SDP has no s= line";
        }

        if (session.Media.Count == 0)
        {
            return "the SDP has no m= line";
        }

        var mids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var media in session.Media)
        {
            var label = SdpText.MediaLabel(media.Index, media.Mid);
            if (media.Mid is not null && !mids.Add(media.Mid))
            {
                return $"{label}: the mid is used twice";
            }

            if (media.Port == 0 && !media.BundleOnly)
            {
                continue;
            }

            if ((media.Transport.IceUfrag ?? session.Transport.IceUfrag) is null)
            {
                return $"{label} has no a=ice-ufrag (at media or session level)";
            }

            if ((media.Transport.IcePwd ?? session.Transport.IcePwd) is null)
            {
                return $"{label} has no a=ice-pwd (at media or session level)";
            }

            if (media.Transport.Fingerprints.Count == 0 && session.Transport.Fingerprints.Count == 0)
            {
                return $"{label} has no a=fingerprint (at media or session level)";
            }
        }

        foreach (var group in session.BundleGroups)
        {
            foreach (var mid in group)
            {
                if (!mids.Contains(mid))
                {
                    return $"a=group:BUNDLE names mid '{SdpText.Shorten(mid)}' that no m= line has";
                }
            }
        }

        return null;
    }

    private static (string Name, string? Value) SplitAttribute(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (text.Trim(), null) : (text[..colon].Trim(), text[(colon + 1)..]);
    }

    private static bool TryParsePayloadType(string text, out int pt) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out pt) && pt <= 127;

    private static bool TryParseNullablePayloadType(string text, out int? pt)
    {
        var ok = TryParsePayloadType(text, out var value);
        pt = ok ? value : null;
        return ok;
    }

    private sealed class TransportBuilder
    {
        public string? IceUfrag;
        public string? IcePwd;
        public readonly List<DtlsFingerprint> Fingerprints = [];
        public DtlsSetup? Setup;
    }

    private sealed class SessionBuilder
    {
        public string? Origin;
        public string? SessionName;
        public bool IceLite;
        public string? MsidSemantic;
        public readonly List<string> IceOptions = [];
        public readonly List<IReadOnlyList<string>> BundleGroups = [];
        public readonly List<SdpAttribute> Attributes = [];
        public readonly List<MediaBuilder> Media = [];
        public readonly TransportBuilder Transport = new();

        public SessionDescription Build()
        {
            var media = new List<MediaDescription>(Media.Count);
            foreach (var builder in Media)
            {
                media.Add(builder.Build(Transport));
            }

            return new SessionDescription
            {
                Origin = Origin!,
                SessionName = SessionName!,
                Media = media,
                BundleGroups = BundleGroups,
                IceLite = IceLite,
                IceOptions = IceOptions,
                MsidSemantic = MsidSemantic,
                Attributes = Attributes,
            };
        }
    }

    private sealed class MediaBuilder(int index, MediaKind kind, string media, int port, string protocol, string[] formats)
    {
        public readonly int Index = index;
        public readonly int Port = port;
        public string? Mid;
        public MediaDirection Direction = MediaDirection.SendRecv;
        public bool RtcpMux;
        public bool RtcpReducedSize;
        public bool BundleOnly;
        public bool EndOfCandidates;
        public MediaStreamId? Msid;
        public readonly TransportBuilder Transport = new();
        public readonly List<RtpMap> RtpMaps = [];
        public readonly Dictionary<int, string> FormatParameters = [];
        public readonly List<RtcpFeedback> RtcpFeedback = [];
        public readonly List<HeaderExtensionMap> HeaderExtensions = [];
        public readonly List<SsrcAttribute> SsrcAttributes = [];
        public readonly List<SsrcGroup> SsrcGroups = [];
        public readonly List<string> Candidates = [];
        public readonly List<SdpAttribute> Attributes = [];

        public bool FindRtpMap(int pt) => RtpMaps.Exists(m => m.PayloadType == pt);

        public MediaDescription Build(TransportBuilder session) => new()
        {
            Index = Index,
            Kind = kind,
            Media = media,
            Port = Port,
            Protocol = protocol,
            Formats = formats,
            Mid = Mid,
            Direction = Direction,
            RtcpMux = RtcpMux,
            RtcpReducedSize = RtcpReducedSize,
            BundleOnly = BundleOnly,
            IceUfrag = Transport.IceUfrag ?? session.IceUfrag,
            IcePwd = Transport.IcePwd ?? session.IcePwd,
            Fingerprints = Transport.Fingerprints.Count > 0 ? Transport.Fingerprints : session.Fingerprints,
            Setup = Transport.Setup ?? session.Setup,
            RtpMaps = RtpMaps,
            FormatParameters = FormatParameters,
            RtcpFeedback = RtcpFeedback,
            HeaderExtensions = HeaderExtensions,
            SsrcAttributes = SsrcAttributes,
            SsrcGroups = SsrcGroups,
            Msid = Msid,
            Candidates = Candidates,
            EndOfCandidates = EndOfCandidates,
            Attributes = Attributes,
        };
    }
}
