using System.Diagnostics;
using System.Globalization;
using One2One.LoadTest.Signaling;

namespace One2One.LoadTest.Calls;

/// <summary>
/// Two registered users who call each other as browsers would, minus the browsers: the caller places a call with
/// the recorded Chromium offer, the callee accepts with the same offer, each gets its SDP answer from the media
/// server (set-up complete), then its first server candidate, and the caller hangs up. Timed from the frames' arrival.
/// </summary>
/// <remarks>Threading: one call at a time per pair; the caller of <see cref="CallAsync"/> owns the pair.</remarks>
internal sealed class CallingPair : IAsyncDisposable
{
    // As the server's Calls:MediaSetupTimeout default: a slower step is a failure, not a latency.
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private readonly HubSocket _caller;
    private readonly HubSocket _callee;
    private readonly string _callerName;
    private readonly string _calleeName;

    private CallingPair(HubSocket caller, HubSocket callee, string callerName, string calleeName)
    {
        _caller = caller;
        _callee = callee;
        _callerName = callerName;
        _calleeName = calleeName;
    }

    /// <summary>Connects and registers both users, the caller on <paramref name="callerHub"/>, the callee on <paramref name="calleeHub"/>.</summary>
    public static async Task<CallingPair> ConnectAsync(HubConnector connector, Uri callerHub, Uri calleeHub, string namePrefix, CancellationToken cancellationToken)
    {
        var caller = await HubSocket.ConnectAsync(connector, callerHub, cancellationToken).ConfigureAwait(false);
        HubSocket? callee = null;
        try
        {
            callee = await HubSocket.ConnectAsync(connector, calleeHub, cancellationToken).ConfigureAwait(false);
            var pair = new CallingPair(caller, callee, namePrefix + "-caller", namePrefix + "-callee");
            await caller.RegisterAsync(pair._callerName, StepTimeout, cancellationToken).ConfigureAwait(false);
            await callee.RegisterAsync(pair._calleeName, StepTimeout, cancellationToken).ConfigureAwait(false);
            return pair;
        }
        catch
        {
            await caller.DisposeAsync().ConfigureAwait(false);
            if (callee is not null)
            {
                await callee.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>One call from set-up to hang-up; throws when any step fails or times out.</summary>
    public async Task<CallCycle> CallAsync(PipelineReleaseWatch releases, CancellationToken cancellationToken)
    {
        var placedAt = Stopwatch.GetTimestamp();
        var placed = _caller.InvokeAsync(HubMethods.Call, _calleeName, RecordedOffer.Sdp);
        await _callee.ExpectAsync(ClientCallbacks.IncomingCall, StepTimeout, cancellationToken).ConfigureAwait(false);
        var accepted = _callee.InvokeAsync(HubMethods.IncomingCallResponse, _callerName, "accept", RecordedOffer.Sdp);
        var callerAnswer = await _caller.ExpectAsync(ClientCallbacks.CallResponse, StepTimeout, cancellationToken).ConfigureAwait(false);
        if (callerAnswer.GetString("response") != "accepted" || callerAnswer.GetString("sdpAnswer") is null)
        {
            throw new UnexpectedCallbackException("an accepted CallResponse", callerAnswer);
        }

        var calleeAnswer = await _callee.ExpectAsync(ClientCallbacks.StartCommunication, StepTimeout, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(placed, accepted).ConfigureAwait(false);
        var setUpAt = Math.Max(callerAnswer.ReceivedAt, calleeAnswer.ReceivedAt);

        // The server's candidates follow each answer; they name the endpoints' UDP ports.
        var callerPort = CandidatePort(await _caller.ExpectAsync(ClientCallbacks.IceCandidate, StepTimeout, cancellationToken).ConfigureAwait(false));
        var calleePort = CandidatePort(await _callee.ExpectAsync(ClientCallbacks.IceCandidate, StepTimeout, cancellationToken).ConfigureAwait(false));
        var sockets = PipelineReleaseWatch.FindSockets([callerPort, calleePort]);

        var hangUpAt = Stopwatch.GetTimestamp();
        var stopped = _caller.InvokeAsync(HubMethods.Stop);
        var ended = await _callee.ExpectAsync(ClientCallbacks.StopCommunication, StepTimeout, cancellationToken).ConfigureAwait(false);
        await stopped.ConfigureAwait(false);

        var release = sockets is null
            ? Task.FromResult<double?>(null)
            : releases.WhenClosedAsync(sockets).ContinueWith(
                closed => (double?)Milliseconds(hangUpAt, closed.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        return new CallCycle(Milliseconds(placedAt, setUpAt), Milliseconds(hangUpAt, ended.ReceivedAt), release);
    }

    /// <summary>After a failed call: both sides hang up whatever is left, and what arrived meanwhile is dropped.</summary>
    public async Task RecoverAsync()
    {
        foreach (var side in (HubSocket[])[_caller, _callee])
        {
            try
            {
                await side.InvokeAsync(HubMethods.Stop).WaitAsync(StepTimeout).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The next call reports whatever is still wrong.
            }
        }

        await Task.Delay(200).ConfigureAwait(false);
        _caller.DiscardInbox();
        _callee.DiscardInbox();
    }

    public async ValueTask DisposeAsync()
    {
        await _caller.DisposeAsync().ConfigureAwait(false);
        await _callee.DisposeAsync().ConfigureAwait(false);
    }

    public static double Milliseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    /// <summary>The port of "candidate:f 1 udp prio 127.0.0.1 PORT typ host ..." (RFC 8839 section 5.1).</summary>
    private static int CandidatePort(HubMessage message)
    {
        var line = message.Argument.GetProperty("candidate").GetProperty("candidate").GetString() ?? "";
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 5 && int.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? port
            : throw new FormatException($"Not an ICE candidate: {line}");
    }
}
