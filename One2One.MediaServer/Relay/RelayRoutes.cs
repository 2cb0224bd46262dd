using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Rtp;

namespace One2One.MediaServer.Relay;

/// <summary>Where one kind of media from an endpoint's browser goes: a sink, with its SSRC and payload types.</summary>
internal sealed class RtpRoute(WebRtcSession sink, MediaType kind, uint ssrc, byte[] payloadTypes)
{
    public const byte NoPayloadType = 0xFF;

    public WebRtcSession Sink { get; } = sink;

    public MediaType Kind { get; } = kind;

    /// <summary>The sink's outgoing SSRC for this kind (announced in its answer).</summary>
    public uint Ssrc { get; } = ssrc;

    /// <summary>Source payload type → the sink browser's payload type for the same codec, or <see cref="NoPayloadType"/>.</summary>
    public byte[] PayloadTypes { get; } = payloadTypes;
}

/// <summary>
/// Where an endpoint's browser's RTCP goes: to one neighbouring endpoint (a sink, a source or both), with the
/// SSRC translation for that leg: its sender reports become reports of the neighbour's outgoing streams; its
/// feedback about our outgoing streams becomes feedback about the neighbour's browser's streams.
/// </summary>
internal sealed class RtcpRoute(WebRtcSession target, SsrcMap map, uint? reporter)
{
    private readonly SsrcMap _map = map;

    public WebRtcSession Target { get; } = target;

    public ref readonly SsrcMap Map => ref _map;

    public uint? Reporter { get; } = reporter;
}

/// <summary>An endpoint's routes, immutable; replaced as a whole when the graph or a negotiation changes, read without locks.</summary>
internal sealed class RelayRoutes(RtpRoute[] audio, RtpRoute[] video, RtcpRoute[] rtcp)
{
    public static readonly RelayRoutes None = new([], [], []);

    public RtpRoute[] Audio { get; } = audio;

    public RtpRoute[] Video { get; } = video;

    public RtcpRoute[] Rtcp { get; } = rtcp;

    public RtpRoute[] For(MediaType kind) => kind == MediaType.Audio ? Audio : kind == MediaType.Video ? Video : [];
}
