using System.Collections.Concurrent;
using System.Diagnostics;
using One2One.Server.Observability;

namespace One2One.Tests.Observability;

/// <summary>
/// A call's trace is started once and stopped once, whichever comes first: a call can end (its callee gone as it joined)
/// before its placing reaches the start, and must not leave an activity running for ever.
/// </summary>
public sealed class CallTraceTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _started = new();
    private readonly ActivityListener _listener;
    private readonly string _callId = Guid.NewGuid().ToString("N")[..12];

    public CallTraceTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CallTrace.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity =>
            {
                if (Equals(activity.GetTagItem("one2one.call.id"), _callId))
                {
                    _started.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public void A_trace_ended_before_it_was_started_starts_nothing()
    {
        var trace = new CallTrace(_callId);

        trace.End("peer-disconnected", failure: false, detail: null);
        trace.Start("alice", "bob");

        _started.Should().BeEmpty("the call was over before its placing got to the start");
        trace.Activity.Should().BeNull();
    }

    [Fact]
    public void A_trace_started_then_ended_is_stopped_with_its_reason()
    {
        var trace = new CallTrace(_callId);

        trace.Start("alice", "bob");
        trace.End("media-error", failure: true, detail: "no media");

        var activity = _started.Should().ContainSingle().Subject;
        activity.IsStopped.Should().BeTrue();
        activity.GetTagItem("one2one.call.end_reason").Should().Be("media-error");
        activity.Status.Should().Be(ActivityStatusCode.Error);
    }
}
