using System.Diagnostics;
using System.Globalization;
using One2One.LoadTest.Calls;
using One2One.LoadTest.Reporting;
using One2One.LoadTest.Signaling;
using One2One.LoadTest.Target;

namespace One2One.LoadTest.Scenarios;

/// <summary>
/// Issue 8's set-up throughput (signaling + pipeline, no browsers): pairs call, answer and hang up back to back,
/// each with the recorded Chromium offer, for a fixed time per run; several runs, the median reported. With
/// several hubs, each pair's caller and callee are on different ones.
/// </summary>
internal static class SetupScenario
{
    public static async Task<SetupReport> RunAsync(LoadOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        Posix.RaiseOpenFileLimit((ulong)options.Pairs * 2 + 4096);
        output.WriteLine($"Machine: {MachineConditions.Describe()}");
        await using var target = await LoadTarget.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Target: {target.Description}; {options.Pairs} concurrent pairs");
        using var connector = new HubConnector(HubConnector.LoopbackSources(options.SourceAddressCount(options.Pairs * 2)));
        await using var releases = new PipelineReleaseWatch();
        var run = RunId.New();

        var pairs = new List<CallingPair>();
        try
        {
            for (var i = 0; i < options.Pairs; i++)
            {
                pairs.Add(await CallingPair.ConnectAsync(connector, target.HubFor(2 * i), target.HubFor(2 * i + 1), $"{run}-{i:000}", cancellationToken).ConfigureAwait(false));
            }

            if (options.Warmup > TimeSpan.Zero)
            {
                output.WriteLine($"Warm-up: {options.Warmup.TotalSeconds:0} s");
                await MeasureAsync(pairs, releases, options.Warmup, target.ServerPid, cancellationToken).ConfigureAwait(false);
            }

            var runs = new List<SetupRun>();
            for (var r = 1; r <= options.Runs; r++)
            {
                var result = await MeasureAsync(pairs, releases, options.Duration, target.ServerPid, cancellationToken).ConfigureAwait(false);
                runs.Add(result);
                output.WriteLine($"Run {r}: {result.Summary()}");
            }

            return new SetupReport(options.Pairs, target.Description, runs, MachineConditions.Describe());
        }
        finally
        {
            foreach (var pair in pairs)
            {
                await pair.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<SetupRun> MeasureAsync(List<CallingPair> pairs, PipelineReleaseWatch releases, TimeSpan duration, int? serverPid, CancellationToken cancellationToken)
    {
        var recorder = new CallRecorder(releases);
        var cpu = new CpuWindow(serverPid);
        var started = Stopwatch.GetTimestamp();
        bool More() => Stopwatch.GetElapsedTime(started) < duration;
        await Task.WhenAll(pairs.Select(pair => recorder.RunAsync(pair, More, cancellationToken))).ConfigureAwait(false);
        // Calls started before the deadline are finished and counted: the rate is over the time they took.
        var elapsed = Stopwatch.GetElapsedTime(started);
        var (serverCores, toolCores) = cpu.Cores();
        var calls = await recorder.ResultsAsync().ConfigureAwait(false);
        return new SetupRun(calls, elapsed, serverCores, toolCores, File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?");
    }
}

/// <summary>One measured run: its calls, how long they took, and the CPU the server and the tool used meanwhile.</summary>
internal sealed record SetupRun(CallResults Calls, TimeSpan Elapsed, double? ServerCores, double ToolCores, string LoadAverage)
{
    public double SetupsPerSecond => Calls.Completed / Elapsed.TotalSeconds;

    /// <summary>Set-ups per second of the server's CPU time: steadier than the rate on a machine others are also using.</summary>
    public double? SetupsPerServerCpuSecond => ServerCores is > 0 and var cores ? SetupsPerSecond / cores : null;

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{SetupsPerSecond:0.0} set-ups/s ({Calls.Completed} calls in {Elapsed.TotalSeconds:0.0} s, {Calls.Failed} failed); set-up {Calls.SetUp}; CPU: server {ServerCores?.ToString("0.00", CultureInfo.InvariantCulture) ?? "?"} cores ({SetupsPerServerCpuSecond?.ToString("0", CultureInfo.InvariantCulture) ?? "?"} set-ups per server CPU-second), tool {ToolCores:0.00} cores; load average {LoadAverage}");
}

internal sealed record SetupReport(int Pairs, string Target, IReadOnlyList<SetupRun> Runs, string Conditions) : ILoadReport
{
    /// <summary>The run with the median throughput (the lower middle one for an even count).</summary>
    public SetupRun Median => Runs.OrderBy(r => r.SetupsPerSecond).ElementAt((Runs.Count - 1) / 2);

    public bool Clean => Runs.All(r => r.Calls.Clean);

    public IEnumerable<string> Describe()
    {
        yield return string.Create(CultureInfo.InvariantCulture,
            $"setup: {Pairs} concurrent pairs, {Runs.Count} runs: {string.Join(", ", Runs.Select(r => r.SetupsPerSecond.ToString("0.0", CultureInfo.InvariantCulture)))} set-ups/s; median {Median.SetupsPerSecond:0.0} set-ups/s");
        if (Runs.All(r => r.SetupsPerServerCpuSecond is not null))
        {
            var perCpu = Runs.Select(r => r.SetupsPerServerCpuSecond!.Value).Order().ToList();
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  per server CPU-second: {string.Join(", ", Runs.Select(r => r.SetupsPerServerCpuSecond!.Value.ToString("0", CultureInfo.InvariantCulture)))}; median {perCpu[(perCpu.Count - 1) / 2]:0}");
        }
        yield return "  median run:";
        foreach (var line in Median.Calls.Describe("    "))
        {
            yield return line;
        }

        yield return $"    {Median.Summary()}";
        yield return $"  conditions at the end: {Conditions}";
    }
}
