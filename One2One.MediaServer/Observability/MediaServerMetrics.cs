using System.Diagnostics.Metrics;
using One2One.MediaServer.Relay;

namespace One2One.MediaServer.Observability;

/// <summary>
/// The media server's meter, <c>One2One.MediaServer</c>. Everything but the DTLS handshake time is observed at
/// collection from <see cref="MediaTotals"/>, so the packet path pays nothing for it; the handshake time is
/// recorded as each handshake completes.
/// </summary>
/// <remarks>
/// Created through the <see cref="IMeterFactory"/> of the container that exports it: the standalone server's own, or
/// the co-hosting application's for the embedded server (so its meter belongs to that application's metrics).
/// After <see cref="Dispose"/> the observable instruments report nothing: a factory's meter outlives this object.
/// </remarks>
internal sealed class MediaServerMetrics : IDisposable
{
    public const string MeterName = TelemetrySetup.MediaServerMeterName;

    private static readonly IReadOnlyList<double> HandshakeBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MediaTotals _totals;
    private readonly Histogram<double> _handshakeDuration;
    private volatile bool _disposed;

    public MediaServerMetrics(IMeterFactory meters, MediaTotals totals)
    {
        _totals = totals;
        var meter = meters.Create(MeterName);
        meter.CreateObservableUpDownCounter(
            "one2one.media.endpoints.active", () => Observe(t => t.Endpoints), "{endpoint}", "WebRtcEndpoints holding media (a UDP socket) now.");
        meter.CreateObservableCounter(
            "one2one.media.packets.relayed", () => Observe(t => t.PacketsRelayed), "{packet}", "RTP packets relayed to browsers.");
        meter.CreateObservableCounter(
            "one2one.media.bytes.relayed", () => Observe(t => t.BytesRelayed), "By", "RTP bytes (before SRTP) relayed to browsers.");
        meter.CreateObservableCounter(
            "one2one.media.packets.retransmitted", () => Observe(t => t.PacketsRetransmitted), "{packet}",
            "RTP packets sent again to a browser that reported them lost (NACK), from the media server's own history.");
        meter.CreateObservableCounter(
            "one2one.media.packets.dropped", ObserveDrops, "{packet}", "Packets dropped, by reason.");
        _handshakeDuration = meter.CreateHistogram(
            "one2one.media.dtls.handshake.duration",
            "s",
            "DTLS handshakes, from the browser's first DTLS datagram to the SRTP keys.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HandshakeBuckets });
        totals.DtlsHandshakeCompleted += RecordHandshake;
    }

    public void Dispose()
    {
        _disposed = true;
        _totals.DtlsHandshakeCompleted -= RecordHandshake;
    }

    private void RecordHandshake(TimeSpan elapsed) => _handshakeDuration.Record(elapsed.TotalSeconds);

    private IEnumerable<Measurement<long>> Observe(Func<MediaTotalsSnapshot, long> value) =>
        _disposed ? [] : [new Measurement<long>(value(_totals.Read()))];

    private IEnumerable<Measurement<long>> ObserveDrops()
    {
        if (_disposed)
        {
            return [];
        }

        var dropped = _totals.Read().Dropped;
        var measurements = new Measurement<long>[dropped.Count];
        for (var i = 0; i < measurements.Length; i++)
        {
            measurements[i] = new Measurement<long>(dropped[i], new KeyValuePair<string, object?>("reason", MediaTotals.DropReasons[i]));
        }

        return measurements;
    }
}
