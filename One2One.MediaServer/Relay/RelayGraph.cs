using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Rtp;

namespace One2One.MediaServer.Relay;

/// <summary>
/// Who relays what to whom, and the routes derived from it. One lock for the whole media server: changes
/// (connect, disconnect, a negotiation, an SSRC learned, a release) are rare control-path events and a single
/// lock cannot deadlock. Packets never take it: each endpoint reads the routes last published to it.
/// </summary>
internal sealed class RelayGraph
{
    private readonly Lock _gate = new();
    private readonly List<Edge> _edges = [];

    public void Connect(WebRtcSession source, WebRtcSession sink, MediaType kind)
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

    public void Disconnect(WebRtcSession source, WebRtcSession sink, MediaType kind)
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

    /// <summary>Recomputes the routes around an endpoint whose negotiation or SSRCs changed.</summary>
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

    /// <summary>The endpoints whose <paramref name="kind"/> media this one receives.</summary>
    public List<WebRtcSession> SourcesOf(WebRtcSession sink, MediaType kind)
    {
        lock (_gate)
        {
            return [.. _edges.Where(e => ReferenceEquals(e.Sink, sink) && e.Kind == kind).Select(e => e.Source)];
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
                (edge.Kind == MediaType.Audio ? audio : video).Add(route);
            }
        }

        var rtcp = new List<RtcpRoute>();
        foreach (var neighbour in NeighboursOf(session))
        {
            if (RtcpRouteOf(session, neighbour) is { } route)
            {
                rtcp.Add(route);
            }
        }

        session.PublishRoutes(new RelayRoutes([.. audio], [.. video], [.. rtcp]));
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

    // RTCP from `session`'s browser, translated for `neighbour`: sender reports of what it sends to the
    // neighbour (its SSRC → the neighbour's outgoing SSRC), and feedback about what the neighbour sends it
    // (our outgoing SSRC → the neighbour's browser's SSRC). A loopback endpoint is its own neighbour.
    private RtcpRoute? RtcpRouteOf(WebRtcSession session, WebRtcSession neighbour)
    {
        var map = new SsrcMap();
        foreach (var edge in _edges)
        {
            if (ReferenceEquals(edge.Source, session) && ReferenceEquals(edge.Sink, neighbour) && session.InboundSsrc(edge.Kind) is { } sent)
            {
                map.TrySet(sent, neighbour.LocalSsrc(edge.Kind));
            }

            if (ReferenceEquals(edge.Source, neighbour) && ReferenceEquals(edge.Sink, session) && neighbour.InboundSsrc(edge.Kind) is { } received)
            {
                map.TrySet(session.LocalSsrc(edge.Kind), received);
            }
        }

        return map.Count == 0 ? null : new RtcpRoute(neighbour, map, neighbour.LocalSsrc(MediaType.Video));
    }

    private readonly record struct Edge(WebRtcSession Source, WebRtcSession Sink, MediaType Kind);
}
