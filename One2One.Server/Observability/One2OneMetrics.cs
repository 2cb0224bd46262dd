using System.Diagnostics.Metrics;

namespace One2One.Server.Observability;

/// <summary>
/// The application's meter, <c>One2One</c>: calls started, ended (by reason) and active, the time from accept to both
/// answers sent, registered users, and every rejection the hub sends or throws (by reason). Thread-safe: the
/// instruments are, and this holds no other state.
/// </summary>
internal sealed class One2OneMetrics
{
    public const string MeterName = "One2One";

    /// <summary>From tens of milliseconds on a quiet loopback to the media set-up timeout (30 s by default).</summary>
    private static readonly IReadOnlyList<double> SetupBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30];

    private readonly Counter<long> _callsStarted;
    private readonly Counter<long> _callsEnded;
    private readonly UpDownCounter<long> _callsActive;
    private readonly Histogram<double> _setupDuration;
    private readonly Counter<long> _rejected;

    /// <param name="registeredUsers">Reads how many names are registered now (observed at each collection).</param>
    public One2OneMetrics(IMeterFactory meters, Func<int> registeredUsers)
    {
        var meter = meters.Create(MeterName);
        _callsStarted = meter.CreateCounter<long>("one2one.calls.started", "{call}", "Calls placed to a registered, free callee (they start ringing).");
        _callsEnded = meter.CreateCounter<long>("one2one.calls.ended", "{call}", "Calls ended, by reason (hung-up, no-answer, media-error...).");
        _callsActive = meter.CreateUpDownCounter<long>("one2one.calls.active", "{call}", "Calls ringing, connecting or in progress now.");
        _setupDuration = meter.CreateHistogram(
            "one2one.call.setup.duration",
            "s",
            "From the callee's accept to both browsers having their SDP answers.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SetupBuckets });
        meter.CreateObservableUpDownCounter("one2one.users.registered", registeredUsers, "{user}", "Names registered now.");
        _rejected = meter.CreateCounter<long>("one2one.hub.rejected", "{rejection}", "Requests the hub refused, by reason: rejections sent and errors thrown.");
    }

    public void CallStarted()
    {
        _callsStarted.Add(1);
        _callsActive.Add(1);
    }

    /// <summary>A call in progress whose node died goes on here: active here from now on (it started elsewhere).</summary>
    public void CallTakenOver() => _callsActive.Add(1);

    public void CallEnded(string reason)
    {
        _callsEnded.Add(1, new KeyValuePair<string, object?>("reason", reason));
        _callsActive.Add(-1);
    }

    public void CallSetUp(TimeSpan elapsed) => _setupDuration.Record(elapsed.TotalSeconds);

    /// <summary>
    /// The one place a rejection is counted, whatever refused the request (a rejected RegisterResponse or CallResponse,
    /// a <see cref="Calls.Refusal"/> or other failed invocation, a limit).
    /// </summary>
    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
