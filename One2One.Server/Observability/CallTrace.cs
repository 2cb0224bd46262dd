using System.Diagnostics;

namespace One2One.Server.Observability;

/// <summary>
/// One call's trace and log scope. The call's activity (source <c>One2One</c>, named <c>call</c>) runs from the moment
/// it rings until its media is released, as the root of a trace of its own (linked to the hub invocation that placed
/// it); its media set-up and the Kurento requests made for it are its descendants. <see cref="Enter"/> puts the
/// activity and a <c>CallId</c> log scope around a piece of the call's work; both flow into the tasks and timers it
/// starts.
/// </summary>
/// <remarks>Threading: <see cref="Start"/> and <see cref="End"/> each run once and are ordered by <see cref="_gate"/>: a
/// call may end (its callee gone as it joined) before its placing reaches <see cref="Start"/>, which then starts nothing.
/// <see cref="_activity"/> is only read (and its tags set) after that.</remarks>
internal sealed class CallTrace(string callId)
{
    public const string SourceName = "One2One";

    private static readonly ActivitySource Source = new(SourceName);
    private static readonly Func<ILogger, string, IDisposable?> LogScope = LoggerMessage.DefineScope<string>("Call {CallId}");

    private readonly Lock _gate = new();
    private Activity? _activity;
    private bool _ended;

    public string CallId { get; } = callId;

    /// <summary>The call's activity, when something listens to <see cref="SourceName"/>.</summary>
    public Activity? Activity => _activity;

    public void Start(string caller, string callee)
    {
        lock (_gate)
        {
            if (!_ended)
            {
                StartUnderGate(caller, callee);
            }
        }
    }

    private void StartUnderGate(string caller, string callee)
    {
        var invocation = Activity.Current;
        ActivityLink[]? links = invocation is null ? null : [new ActivityLink(invocation.Context)];

        // A root: a call outlives the invocation that placed it, and a trace per call is what an operator looks for.
        Activity.Current = null;
        _activity = Source.StartActivity(ActivityKind.Internal, parentContext: default, tags:
        [
            new("one2one.call.id", CallId),
            new("one2one.call.caller", caller),
            new("one2one.call.callee", callee),
        ], links: links, name: "call");
        Activity.Current = invocation;
    }

    /// <summary>Makes the call's activity current and opens its log scope until the result is disposed.</summary>
    public Scope Enter(ILogger logger)
    {
        var previous = Activity.Current;
        if (_activity is not null)
        {
            Activity.Current = _activity;
        }

        return new Scope(previous, _activity is not null, LogScope(logger, CallId));
    }

    /// <summary>A child of the call's activity (make it current first, with <see cref="Enter"/>) for building its media.</summary>
    /// <summary>The activity names of the call's two media steps: reserving the media as the call is placed, negotiating after the accept.</summary>
    public const string MediaReserve = "media reserve";

    /// <inheritdoc cref="MediaReserve"/>
    public const string MediaNegotiate = "media negotiate";

    /// <summary>The activity name of a page's renegotiation in a call (a new endpoint for its new offer).</summary>
    public const string MediaRenegotiate = "media renegotiate";

    public static Activity? StartMediaStep(string name) => Source.StartActivity(name);

    public static void Failed(Activity? activity, Exception exception) =>
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message)
            .AddException(exception);

    /// <summary>Ends the call's activity with its end reason; an error status for a failure.</summary>
    public void End(string reason, bool failure, string? detail)
    {
        Activity? activity;
        lock (_gate)
        {
            _ended = true;
            activity = _activity;
        }

        if (activity is null)
        {
            return;
        }

        activity.SetTag("one2one.call.end_reason", reason);
        if (failure)
        {
            activity.SetStatus(ActivityStatusCode.Error, detail ?? reason);
        }

        activity.Stop();
    }

    public readonly struct Scope(Activity? previous, bool changed, IDisposable? logScope) : IDisposable
    {
        public void Dispose()
        {
            logScope?.Dispose();
            if (changed)
            {
                Activity.Current = previous;
            }
        }
    }
}
