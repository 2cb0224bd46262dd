using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using One2One.Server.Contracts;
using One2One.Server.Observability;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.Observability.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Observability;

/// <summary>
/// A real call's trace: one <c>call</c> activity (source One2One), its <c>media reserve</c> and <c>media negotiate</c>
/// children and the Kurento requests under them (source One2One.Kurento), and its log lines carrying its CallId scope.
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly RecordingLoggerProvider _logs = new(LogLevel.Debug);
    private readonly ActivityListener _listener;
    private readonly One2OneServerFactory _server;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "One2One" or "One2One.Kurento",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _server = new One2OneServerFactory { Logs = _logs, LogsAtConfiguredLevels = true }.WithSetting("Logging:LogLevel:One2One", "Debug")
            .WithSetting("Logging:Console:FormatterOptions:IncludeScopes", "true"); // as the README tells an operator
    }

    public Task InitializeAsync()
    {
        _server.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _listener.Dispose();
    }

    [Fact]
    public async Task A_call_is_one_activity_with_its_media_set_up_and_kurento_requests_beneath_and_its_logs_carry_its_call_id()
    {
        // Names of our own: the listener sees every server in this process.
        await using var call = await MediaCall.RegisterAsync(_server.HubUri, Names.Unique("alice"), Names.Unique("bob"));
        await call.ConnectAsync();
        await call.HangUpAsync();

        var root = await CallActivityAsync(call.Caller.Name!);
        root.Parent.Should().BeNull();
        root.ParentSpanId.Should().Be(default(ActivitySpanId), "each call is a trace of its own");
        root.GetTagItem("one2one.call.callee").Should().Be(call.Callee.Name);
        root.GetTagItem("one2one.call.end_reason").Should().Be(Reasons.HungUp);
        root.Status.Should().Be(ActivityStatusCode.Unset);
        var trace = Trace(root);
        var reserve = trace.Should().ContainSingle(a => a.OperationName == CallTrace.MediaReserve).Subject;
        reserve.ParentSpanId.Should().Be(root.SpanId);
        var negotiate = trace.Should().ContainSingle(a => a.OperationName == CallTrace.MediaNegotiate).Subject;
        negotiate.ParentSpanId.Should().Be(root.SpanId);
        var create = trace.Should().ContainSingle(a => a.DisplayName == "Kurento create MediaPipeline").Subject;
        create.ParentSpanId.Should().Be(reserve.SpanId);
        create.GetTagItem("kurento.object_type").Should().Be("MediaPipeline");
        trace.Where(a => (string?)a.GetTagItem("kurento.operation") == "processOffer").Should().HaveCount(2)
            .And.OnlyContain(a => a.ParentSpanId == negotiate.SpanId && (string?)a.GetTagItem("kurento.object_type") == "WebRtcEndpoint");
        trace.Should().Contain(a => a.DisplayName == "Kurento release" && a.ParentSpanId == root.SpanId, "the release at the end is the call's work too");

        var callId = (string)root.GetTagItem("one2one.call.id")!;
        var callLines = _logs.Entries.Where(e => Equals(e.ScopeValue("CallId"), callId)).Select(e => e.EventName).ToList();
        callLines.Should().Contain(["Ringing", "Accepted", "PipelineCreated", "InCall", "Ended", "PipelineReleased"]);
        callLines.Should().Contain("IceState", "Kurento event handlers run in the scope of the call that subscribed");
        _logs.Entries.Where(e => e.Message.Contains(callId, StringComparison.Ordinal)).Should()
            .OnlyContain(e => Equals(e.ScopeValue("CallId"), callId), "every line about the call is in its scope");
    }

    [Fact]
    public async Task A_call_whose_media_fails_ends_its_activity_with_an_error_and_the_kurento_error_code()
    {
        await using var alice = await SignalingClient.RegisteredAsync(_server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(_server.HubUri, Names.Unique("bob"));
        await alice.CallAsync(bob.Name, SdpFixtures.RecordedChromium156);
        await bob.ExpectAsync<IncomingCall>();

        await bob.AcceptAsync(alice.Name!, "v=0\r\nthis is not an SDP offer\r\n");

        (await bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.InvalidOffer);
        var root = await CallActivityAsync(alice.Name!);
        root.Status.Should().Be(ActivityStatusCode.Error);
        root.GetTagItem("one2one.call.end_reason").Should().Be(Reasons.InvalidOffer);
        var trace = Trace(root);
        trace.Should().ContainSingle(a => a.OperationName == CallTrace.MediaNegotiate).Which.Status.Should().Be(ActivityStatusCode.Error);
        trace.Should().Contain(a => (string?)a.GetTagItem("kurento.operation") == "processOffer" && a.Status == ActivityStatusCode.Error
            && a.GetTagItem("kurento.error_code") != null);
    }

    private async Task<Activity> CallActivityAsync(string caller)
    {
        await Eventually.TrueAsync(() => _stopped.Any(a => IsCallOf(a, caller)), "the call's activity stops once its media is released");
        return _stopped.Should().ContainSingle(a => IsCallOf(a, caller)).Subject;
    }

    private List<Activity> Trace(Activity root) => [.. _stopped.Where(a => a.TraceId == root.TraceId && a != root)];

    private static bool IsCallOf(Activity activity, string caller) =>
        activity.OperationName == "call" && (string?)activity.GetTagItem("one2one.call.caller") == caller;
}
