using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Sdp;

namespace One2One.MediaServer.Relay;

/// <summary>One media kind of an endpoint after negotiation: its codecs (the browser's payload types) and direction.</summary>
internal sealed record NegotiatedStream(
    KurentoMediaType Kind,
    string? Mid,
    int MLineIndex,
    IReadOnlyList<NegotiatedCodec> Codecs,
    bool BrowserSends,
    bool BrowserReceives,
    uint? AnnouncedRemoteSsrc)
{
    /// <summary>The browser's payload type for a codec negotiated on another endpoint, if this one has it too.</summary>
    public int? PayloadTypeFor(NegotiatedCodec codec)
    {
        foreach (var mine in Codecs)
        {
            if (mine.Name.Equals(codec.Name, StringComparison.OrdinalIgnoreCase) && mine.ClockRate == codec.ClockRate && mine.Channels == codec.Channels)
            {
                return mine.PayloadType;
            }
        }

        return null;
    }
}

/// <summary>
/// What an endpoint's SDP negotiation settled, in the shape the relay reads per packet: payload type → media
/// kind in a 128-entry table, and per kind the negotiated stream. Immutable once built.
/// </summary>
internal sealed class NegotiatedStreams
{
    private const byte None = 0xFF;
    private readonly byte[] _kindByPayloadType = new byte[128];

    private NegotiatedStreams(NegotiatedStream? audio, NegotiatedStream? video, NegotiatedMedia bundleTag)
    {
        Audio = audio;
        Video = video;
        BundleMid = bundleTag.Mid ?? "0";
        BundleMLineIndex = bundleTag.Index;
        Array.Fill(_kindByPayloadType, None);
        foreach (var stream in new[] { audio, video })
        {
            foreach (var codec in stream?.Codecs ?? [])
            {
                _kindByPayloadType[codec.PayloadType & 0x7F] = (byte)stream!.Kind;
            }
        }
    }

    public NegotiatedStream? Audio { get; }

    public NegotiatedStream? Video { get; }

    /// <summary>The m-line our candidates are announced for: the first accepted one (the BUNDLE tag).</summary>
    public string BundleMid { get; }

    public int BundleMLineIndex { get; }

    public NegotiatedStream? this[KurentoMediaType kind] => kind switch
    {
        KurentoMediaType.Audio => Audio,
        KurentoMediaType.Video => Video,
        _ => null,
    };

    public static NegotiatedStreams From(SdpAnswer answer)
    {
        NegotiatedStream? audio = null, video = null;
        foreach (var media in answer.Media)
        {
            if (!media.Accepted || media.Kind is not (MediaKind.Audio or MediaKind.Video))
            {
                continue;
            }

            var kind = media.Kind == MediaKind.Audio ? KurentoMediaType.Audio : KurentoMediaType.Video;
            var stream = new NegotiatedStream(
                kind,
                media.Mid,
                media.Index,
                media.Codecs,
                BrowserSends: media.Direction.Receives(),
                BrowserReceives: media.Direction.Sends(),
                media.RemoteSsrcs.Count > 0 ? media.RemoteSsrcs[0].Ssrc : null);
            if (kind == KurentoMediaType.Audio)
            {
                audio ??= stream;
            }
            else
            {
                video ??= stream;
            }
        }

        var tag = answer.Media.First(m => m.Accepted);
        return new NegotiatedStreams(audio, video, tag);
    }

    /// <summary>The kind a payload type carries, or false for one that was not negotiated.</summary>
    public bool TryGetKind(byte payloadType, out KurentoMediaType kind)
    {
        var value = _kindByPayloadType[payloadType & 0x7F];
        kind = (KurentoMediaType)value;
        return value != None;
    }
}
