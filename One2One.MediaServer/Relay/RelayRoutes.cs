using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Rtp;

namespace One2One.MediaServer.Relay;

/// <summary>Where one kind of media from an endpoint's browser goes: a sink, with its SSRC and payload types.</summary>
internal sealed class RtpRoute(WebRtcSession sink, KurentoMediaType kind, uint ssrc, byte[] payloadTypes)
{
    public const byte NoPayloadType = 0xFF;

    public WebRtcSession Sink { get; } = sink;

    public KurentoMediaType Kind { get; } = kind;

    /// <summary>The sink's outgoing SSRC for this kind (announced in its answer).</summary>
    public uint Ssrc { get; } = ssrc;

    /// <summary>Source payload type → the sink browser's payload type for the same codec, or <see cref="NoPayloadType"/>.</summary>
    public byte[] PayloadTypes { get; } = payloadTypes;
}

/// <summary>One kind of media relayed between an endpoint and a neighbour, in one direction or both.</summary>
internal readonly record struct RtcpLeg(KurentoMediaType Kind, bool ToNeighbour, bool FromNeighbour);

/// <summary>
/// Where an endpoint's browser's RTCP goes: to one neighbouring endpoint (a sink, a source or both). Its sender
/// reports become reports of the neighbour's outgoing streams; its feedback about our outgoing streams becomes
/// feedback about the neighbour's browser's streams. The SSRC translation is built per compound from the SSRCs known
/// at that moment (<see cref="BuildMap"/>), so learning a browser's SSRC changes no route: it is one write.
/// </summary>
internal sealed class RtcpRoute(WebRtcSession source, WebRtcSession target, RtcpLeg[] legs)
{
    public WebRtcSession Target { get; } = target;

    /// <summary>The SSRC that RR and feedback from the browser are rewritten to come from: the neighbour's video SSRC.</summary>
    public uint Reporter { get; } = target.LocalSsrc(KurentoMediaType.Video);

    /// <summary>
    /// Fills <paramref name="map"/>: {source browser's SSRC → neighbour's outgoing SSRC} for what flows to the neighbour
    /// (with the neighbour's renumbering of it: a sender report's RTP time moves with the packets), {our outgoing SSRC →
    /// neighbour browser's SSRC} for what flows from it (with our renumbering undone: a NACK names the sender's own numbers).
    /// </summary>
    public void BuildMap(ref SsrcMap map)
    {
        foreach (var leg in legs)
        {
            if (leg.ToNeighbour && source.InboundSsrc(leg.Kind) is { } sent)
            {
                var shift = Target.OutboundShift(leg.Kind);
                map.TrySet(sent, Target.LocalSsrc(leg.Kind), shift.Sequence, shift.Timestamp);
            }

            if (leg.FromNeighbour && Target.InboundSsrc(leg.Kind) is { } received)
            {
                var shift = source.OutboundShift(leg.Kind).Inverse;
                map.TrySet(source.LocalSsrc(leg.Kind), received, shift.Sequence, shift.Timestamp);
            }
        }
    }
}

/// <summary>An endpoint's routes, immutable; replaced as a whole when the graph or a negotiation changes, read without locks.</summary>
internal sealed class RelayRoutes(RtpRoute[] audio, RtpRoute[] video, RtcpRoute[] rtcp, WebRtcSession[] videoSources)
{
    public static readonly RelayRoutes None = new([], [], [], []);

    public RtpRoute[] Audio { get; } = audio;

    public RtpRoute[] Video { get; } = video;

    public RtcpRoute[] Rtcp { get; } = rtcp;

    /// <summary>The endpoints whose video this one receives (asked for a keyframe when it is secured).</summary>
    public WebRtcSession[] VideoSources { get; } = videoSources;

    public RtpRoute[] For(KurentoMediaType kind) => kind == KurentoMediaType.Audio ? Audio : kind == KurentoMediaType.Video ? Video : [];
}
