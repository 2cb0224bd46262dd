using One2One.MediaServer.Rtc.Transport;

namespace One2One.MediaServer.Relay;

/// <summary>
/// What the relay has done since the server started, for metrics: sums over the live sessions' own counters plus
/// what disposed sessions had counted, so the totals never go down, plus what the shared media ports dropped before any
/// session claimed it (strangers' datagrams, checks with an unknown username, packets from an address not validated). The packet path is not touched: sessions keep
/// counting in their own counters, and this adds them up only when read (a scrape).
/// </summary>
/// <remarks>
/// Threading: <see cref="_live"/> and <see cref="_retired"/> are guarded by <see cref="_gate"/>, so a session is
/// counted either as live or as retired, never both and never neither. Counts a session makes after it is
/// retired (a relay loop still sending to a sink being disposed) are not seen: a few packets at most.
/// </remarks>
internal sealed class MediaTotals
{
    /// <summary>Why packets were dropped, as the metrics' <c>reason</c> attribute names it.</summary>
    public static readonly IReadOnlyList<string> DropReasons =
        ["unknown", "unauthenticated", "not-validated", "not-secured", "unprotect-failed", "unroutable", "send-failed", "stale", "over-budget"];

    private const int Packets = 0;
    private const int Bytes = 1;
    private const int Retransmitted = 2;
    private const int FirstDrop = 3;

    private readonly Lock _gate = new();
    private readonly HashSet<WebRtcSession> _live = [];
    private readonly long[] _retired = new long[FirstDrop + DropReasons.Count];
    private readonly List<TransportCounters> _ports = [];

    /// <summary>A DTLS handshake completed, taking this long from the browser's first DTLS datagram to the SRTP keys.</summary>
    public event Action<TimeSpan>? DtlsHandshakeCompleted;

    public void Track(WebRtcSession session)
    {
        lock (_gate)
        {
            _live.Add(session);
        }
    }

    /// <summary>The session is gone: what it counted becomes part of the retired totals.</summary>
    public void Retire(WebRtcSession session)
    {
        lock (_gate)
        {
            if (_live.Remove(session))
            {
                AddCounts(session, _retired);
            }
        }
    }

    /// <summary>A media port's own counters (what it dropped that no session claimed) are part of the totals from now on.</summary>
    public void TrackPort(TransportCounters counters)
    {
        lock (_gate)
        {
            _ports.Add(counters);
        }
    }

    public void OnDtlsHandshakeCompleted(TimeSpan elapsed) => DtlsHandshakeCompleted?.Invoke(elapsed);

    public MediaTotalsSnapshot Read()
    {
        var sums = new long[_retired.Length];
        int endpoints;
        lock (_gate)
        {
            _retired.CopyTo(sums, 0);
            foreach (var session in _live)
            {
                AddCounts(session, sums);
            }

            foreach (var port in _ports)
            {
                AddDrops(port, sums);
            }

            endpoints = _live.Count;
        }

        return new MediaTotalsSnapshot(endpoints, sums[Packets], sums[Bytes], sums[Retransmitted], sums[FirstDrop..]);
    }

    private static void AddCounts(WebRtcSession session, long[] sums)
    {
        sums[Packets] += session.RelayedPackets;
        sums[Bytes] += session.RelayedBytes;
        sums[Retransmitted] += session.RetransmittedPackets;
        AddDrops(session.Transport.Counters, sums);
        sums[FirstDrop + 5] += session.UnroutablePackets;
        sums[FirstDrop + 7] += session.StalePackets;
    }

    /// <summary>In the order of <see cref="DropReasons"/> (unroutable and stale are a session's own).</summary>
    private static void AddDrops(TransportCounters counters, long[] sums)
    {
        sums[FirstDrop] += counters.Unknown;
        sums[FirstDrop + 1] += counters.Unauthenticated;
        sums[FirstDrop + 2] += counters.NotValidated;
        sums[FirstDrop + 3] += counters.NotSecured;
        sums[FirstDrop + 4] += counters.UnprotectFailed;
        sums[FirstDrop + 6] += counters.SendFailed;
        sums[FirstDrop + 8] += counters.OverBudget;
    }
}

/// <summary>
/// Totals at one moment: WebRtcEndpoints with media now, RTP relayed to browsers, packets sent again for a browser's NACK,
/// and drops by <see cref="MediaTotals.DropReasons"/>.
/// </summary>
internal sealed record MediaTotalsSnapshot(int Endpoints, long PacketsRelayed, long BytesRelayed, long PacketsRetransmitted, IReadOnlyList<long> Dropped);
