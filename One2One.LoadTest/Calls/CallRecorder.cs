using System.Collections.Concurrent;
using One2One.LoadTest.Reporting;

namespace One2One.LoadTest.Calls;

/// <summary>Runs pairs' calls and keeps what happened: each completed cycle, and each failure's message.</summary>
/// <remarks>Threading: any number of pairs record at once (concurrent queues); results are read after they stop.</remarks>
internal sealed class CallRecorder(PipelineReleaseWatch releases)
{
    // Releasing a pipeline is one request to the media server; anything near this is a leak, not a latency.
    private static readonly TimeSpan ReleaseWait = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<CallCycle> _cycles = new();
    private readonly ConcurrentQueue<string> _failures = new();

    /// <summary>Makes calls on <paramref name="pair"/> one after another while <paramref name="more"/> says so.</summary>
    public async Task RunAsync(CallingPair pair, Func<bool> more, CancellationToken cancellationToken)
    {
        while (more())
        {
            try
            {
                _cycles.Enqueue(await pair.CallAsync(releases, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                _failures.Enqueue($"{ex.GetType().Name}: {ex.Message}");
                await pair.RecoverAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The calls' figures, once every hung-up pipeline was seen released (or <see cref="ReleaseWait"/> passed).</summary>
    public async Task<CallResults> ResultsAsync()
    {
        var cycles = _cycles.ToArray();
        var releasing = Task.WhenAll(cycles.Select(c => c.Release));
        await Task.WhenAny(releasing, Task.Delay(ReleaseWait)).ConfigureAwait(false);
        var released = cycles.Where(c => c.Release.IsCompletedSuccessfully && c.Release.Result is not null).Select(c => c.Release.Result!.Value).ToList();
        var untracked = cycles.Count(c => c.Release.IsCompletedSuccessfully && c.Release.Result is null);
        return new CallResults(
            Latency.Of(cycles.Select(c => c.SetupMilliseconds)),
            Latency.Of(cycles.Select(c => c.HangUpMilliseconds)),
            Latency.Of(released),
            Failed: _failures.Count,
            FailureSamples: [.. _failures.Distinct().Take(5)],
            ReleaseUntracked: untracked,
            NotReleased: cycles.Length - released.Count - untracked);
    }
}

/// <summary>
/// Calls made: set-up (Call sent → both SDP answers received), hang-up (Stop sent → the peer's StopCommunication)
/// and release (Stop sent → both endpoint sockets closed on the media server).
/// </summary>
internal sealed record CallResults(Latency SetUp, Latency HangUp, Latency Release, int Failed, IReadOnlyList<string> FailureSamples, int ReleaseUntracked, int NotReleased)
{
    public int Completed => SetUp.Count;

    public bool Clean => Failed == 0 && NotReleased == 0;

    public IEnumerable<string> Describe(string indent)
    {
        yield return $"{indent}set-up (Call → both answers): {SetUp}";
        yield return $"{indent}hang-up (Stop → peer's StopCommunication): {HangUp}";
        yield return ReleaseUntracked == Completed && Completed > 0
            ? $"{indent}pipeline release: not visible (the media server's sockets are not in this network namespace)"
            : $"{indent}hang-up → pipeline released (both endpoint sockets closed, polled every {PipelineReleaseWatch.PollInterval.TotalMilliseconds:0} ms): {Release}";
        if (NotReleased > 0)
        {
            yield return $"{indent}NOT RELEASED within 30 s: {NotReleased} pipelines";
        }

        if (Failed > 0)
        {
            yield return $"{indent}FAILED calls: {Failed}; e.g. {string.Join(" | ", FailureSamples)}";
        }
    }
}
