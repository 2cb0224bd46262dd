using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Relay;

/// <summary>
/// Who relays what to whom, and the routes derived from it. Its lock serializes topology changes (connect,
/// disconnect, a negotiation, a release): rare control-path events, and a single lock cannot deadlock. The packet
/// path never takes it: each endpoint reads the immutable routes last published to it, and a browser's SSRC learned
/// from its packets is read by the routes when they translate RTCP, so learning one publishes a value and rebuilds
/// nothing.
/// </summary>
internal sealed class RelayGraph
{
    private readonly Lock _gate = new();
    private readonly List<Edge> _edges = [];

    public void Connect(WebRtcSession source, WebRtcSession sink, KurentoMediaType kind)
    {
        lock (_gate)
        {
            var edge = new Edge(source, sink, kind);
            if (!_edges.Contains(edge))
            {
                _edges.Add(edge);
            }

            Rebuild(source);
            Rebuild(sink);
        }
    }

    public void Disconnect(WebRtcSession source, WebRtcSession sink, KurentoMediaType kind)
    {
        lock (_gate)
        {
            _edges.Remove(new Edge(source, sink, kind));
            Rebuild(source);
            Rebuild(sink);
        }
    }

    /// <summary>Takes an endpoint out of the graph: nothing is relayed to or from it any more.</summary>
    public void Remove(WebRtcSession session)
    {
        lock (_gate)
        {
            var neighbours = NeighboursOf(session);
            _edges.RemoveAll(e => ReferenceEquals(e.Source, session) || ReferenceEquals(e.Sink, session));
            session.PublishRoutes(RelayRoutes.None);
            foreach (var neighbour in neighbours)
            {
                Rebuild(neighbour);
            }
        }
    }

    /// <summary>Recomputes the routes around an endpoint whose negotiation changed.</summary>
    public void Refresh(WebRtcSession session)
    {
        lock (_gate)
        {
            Rebuild(session);
            foreach (var neighbour in NeighboursOf(session))
            {
                Rebuild(neighbour);
            }
        }
    }

    // Under _gate.
    private void Rebuild(WebRtcSession session)
    {
        var audio = new List<RtpRoute>();
        var video = new List<RtpRoute>();
        foreach (var edge in _edges)
        {
            if (ReferenceEquals(edge.Source, session) && RtpRouteOf(edge) is { } route)
            {
                (edge.Kind == KurentoMediaType.Audio ? audio : video).Add(route);
            }
        }

        var rtcp = new List<RtcpRoute>();
        foreach (var neighbour in NeighboursOf(session))
        {
            rtcp.Add(RtcpRouteOf(session, neighbour));
        }

        var videoSources = _edges.Where(e => ReferenceEquals(e.Sink, session) && e.Kind == KurentoMediaType.Video).Select(e => e.Source);
        session.PublishRoutes(new RelayRoutes([.. audio], [.. video], [.. rtcp], [.. videoSources]));
    }

    private List<WebRtcSession> NeighboursOf(WebRtcSession session)
    {
        var neighbours = new List<WebRtcSession>();
        foreach (var edge in _edges)
        {
            var other = ReferenceEquals(edge.Source, session) ? edge.Sink : ReferenceEquals(edge.Sink, session) ? edge.Source : null;
            if (other is not null && !neighbours.Contains(other))
            {
                neighbours.Add(other);
            }
        }

        return neighbours;
    }

    private static RtpRoute? RtpRouteOf(Edge edge)
    {
        var from = edge.Source.Negotiated?[edge.Kind];
        var to = edge.Sink.Negotiated?[edge.Kind];
        if (from is null || to is null || !to.BrowserReceives)
        {
            return null;
        }

        var payloadTypes = new byte[128];
        Array.Fill(payloadTypes, RtpRoute.NoPayloadType);
        var any = false;
        foreach (var codec in from.Codecs)
        {
            if (to.PayloadTypeFor(codec) is { } mapped)
            {
                payloadTypes[codec.PayloadType & 0x7F] = (byte)mapped;
                any = true;
            }
        }

        return any ? new RtpRoute(edge.Sink, edge.Kind, edge.Sink.LocalSsrc(edge.Kind), payloadTypes) : null;
    }

    // RTCP from `session`'s browser, translated for `neighbour`: the kinds relayed between them, each way. A loopback
    // endpoint is its own neighbour.
    private RtcpRoute RtcpRouteOf(WebRtcSession session, WebRtcSession neighbour)
    {
        var legs = new List<RtcpLeg>();
        foreach (var kind in (ReadOnlySpan<KurentoMediaType>)[KurentoMediaType.Audio, KurentoMediaType.Video])
        {
            var to = _edges.Contains(new Edge(session, neighbour, kind));
            var from = _edges.Contains(new Edge(neighbour, session, kind));
            if (to || from)
            {
                legs.Add(new RtcpLeg(kind, to, from));
            }
        }

        return new RtcpRoute(session, neighbour, [.. legs]);
    }

    private readonly record struct Edge(WebRtcSession Source, WebRtcSession Sink, KurentoMediaType Kind);
}
