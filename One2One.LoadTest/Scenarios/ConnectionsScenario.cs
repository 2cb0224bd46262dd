using System.Diagnostics;
using One2One.LoadTest.Calls;
using One2One.LoadTest.Reporting;
using One2One.LoadTest.Signaling;
using One2One.LoadTest.Target;

namespace One2One.LoadTest.Scenarios;

/// <summary>
/// Issue 10's load: N registered SignalR connections held open while one pair keeps calling. Measures the server's
/// memory per connection ((with N − with none) / N, each after a forced settle) and the pair's set-up latency with
/// the server idle and with the N connections registered.
/// </summary>
internal static class ConnectionsScenario
{
    private static readonly TimeSpan RegisterTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ConnectionsReport> RunAsync(LoadOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var fileLimit = Posix.RaiseOpenFileLimit((ulong)options.Connections + 4096);
        output.WriteLine($"Machine: {MachineConditions.Describe()}; open-file limit {fileLimit}");
        await using var target = await LoadTarget.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Target: {target.Description}");
        using var connector = new HubConnector(HubConnector.LoopbackSources(options.SourceAddressCount(options.Connections)));
        await using var releases = new PipelineReleaseWatch();
        var run = RunId.New();

        await using var pair = await CallingPair.ConnectAsync(connector, target.HubFor(0), target.HubFor(1), $"{run}-pair", cancellationToken).ConfigureAwait(false);
        var warmup = new CallRecorder(releases);
        await warmup.RunAsync(pair, Countdown(options.WarmupCalls), cancellationToken).ConfigureAwait(false);
        await warmup.ResultsAsync().ConfigureAwait(false);

        output.WriteLine($"Idle server: {options.Calls} calls...");
        var idle = await CallsAsync(pair, releases, options.Calls, cancellationToken).ConfigureAwait(false);
        var baseline = target.ServerPid is { } pid0 ? await MemoryPoint.SettleAndReadAsync(pid0, cancellationToken).ConfigureAwait(false) : null;
        output.WriteLine($"Baseline: {baseline?.Describe() ?? "server memory not visible (no --server-pid)"}");

        output.WriteLine($"Connecting and registering {options.Connections} connections...");
        var connectStarted = Stopwatch.GetTimestamp();
        var (connections, connectFailures) = await ConnectAllAsync(connector, target, run, options, cancellationToken).ConfigureAwait(false);
        var connectTime = Stopwatch.GetElapsedTime(connectStarted);
        MemoryPoint? loadedMemory;
        CallResults loaded;
        string holdCpu;
        int dropped;
        try
        {
            output.WriteLine($"Registered {connections.Count} in {connectTime.TotalSeconds:0.0} s; {connectFailures.Count} failed");
            var hold = new CpuWindow(target.ServerPid);
            await Task.Delay(options.IdleWindow, cancellationToken).ConfigureAwait(false);
            holdCpu = $"{options.IdleWindow.TotalSeconds:0} s: {hold.Describe()}";
            loadedMemory = target.ServerPid is { } pid1 ? await MemoryPoint.SettleAndReadAsync(pid1, cancellationToken).ConfigureAwait(false) : null;
            output.WriteLine($"With {connections.Count} connections: {loadedMemory?.Describe() ?? "server memory not visible"}");
            if (options.Hold > TimeSpan.Zero)
            {
                output.WriteLine($"Holding the connections for {options.Hold.TotalSeconds:0} s (server pid {target.ServerPid})");
                await Task.Delay(options.Hold, cancellationToken).ConfigureAwait(false);
            }

            output.WriteLine($"Loaded server: {options.Calls} calls...");
            loaded = await CallsAsync(pair, releases, options.Calls, cancellationToken).ConfigureAwait(false);
            dropped = connections.Count(c => c.Inbox.Completion.IsCompleted);
        }
        finally
        {
            await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 64 }, (c, _) => c.DisposeAsync()).ConfigureAwait(false);
        }

        // The same calls once the connections are gone: idle before and after bracket the loaded phase, so a drift
        // of the machine or of the JIT's tiering shows up as a difference between the two idle phases.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Idle server again: {options.Calls} calls...");
        var idleAfter = await CallsAsync(pair, releases, options.Calls, cancellationToken).ConfigureAwait(false);
        return new ConnectionsReport(
            options.Connections, connections.Count, dropped, connectFailures.Distinct().Take(5).ToList(), connectTime, holdCpu,
            baseline, loadedMemory, idle, loaded, idleAfter, MachineConditions.Describe(), target.Description);
    }

    private static async Task<CallResults> CallsAsync(CallingPair pair, PipelineReleaseWatch releases, int calls, CancellationToken cancellationToken)
    {
        var recorder = new CallRecorder(releases);
        await recorder.RunAsync(pair, Countdown(calls), cancellationToken).ConfigureAwait(false);
        return await recorder.ResultsAsync().ConfigureAwait(false);
    }

    private static async Task<(List<HubSocket> Connections, List<string> Failures)> ConnectAllAsync(
        HubConnector connector, LoadTarget target, string run, LoadOptions options, CancellationToken cancellationToken)
    {
        var connections = new List<HubSocket>(options.Connections);
        var failures = new List<string>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, options.Connections),
            new ParallelOptions { MaxDegreeOfParallelism = options.ConnectConcurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                HubSocket? hub = null;
                try
                {
                    hub = await HubSocket.ConnectAsync(connector, target.HubFor(i), ct).ConfigureAwait(false);
                    await hub.RegisterAsync($"{run}-{i:00000}", RegisterTimeout, ct).ConfigureAwait(false);
                    lock (connections)
                    {
                        connections.Add(hub);
                    }
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    if (hub is not null)
                    {
                        await hub.DisposeAsync().ConfigureAwait(false);
                    }

                    lock (failures)
                    {
                        failures.Add($"{ex.GetType().Name}: {ex.Message}");
                    }
                }
            }).ConfigureAwait(false);
        return (connections, failures);
    }

    private static Func<bool> Countdown(int calls)
    {
        var left = calls;
        return () => left-- > 0;
    }
}

internal sealed record ConnectionsReport(
    int Requested,
    int Registered,
    int Dropped,
    IReadOnlyList<string> ConnectFailures,
    TimeSpan ConnectTime,
    string HoldCpu,
    MemoryPoint? Baseline,
    MemoryPoint? Loaded,
    CallResults Idle,
    CallResults LoadedCalls,
    CallResults IdleAfter,
    string Conditions,
    string Target) : ILoadReport
{
    public const double GoalBytesPerConnection = 20 * 1024;

    public double? ResidentBytesPerConnection => Per(m => m.ResidentBytes);

    public double? ManagedBytesPerConnection => Per(m => m.ManagedHeapBytes);

    public bool Clean => Registered == Requested && Dropped == 0 && Idle.Clean && LoadedCalls.Clean && IdleAfter.Clean;

    public IEnumerable<string> Describe()
    {
        yield return $"connections: {Registered} of {Requested} registered in {ConnectTime.TotalSeconds:0.0} s ({Registered / ConnectTime.TotalSeconds:0} per second), {Dropped} dropped later";
        foreach (var failure in ConnectFailures)
        {
            yield return $"  connect failure: {failure}";
        }

        yield return $"  while holding them idle for {HoldCpu}";
        if (Baseline is not null && Loaded is not null)
        {
            yield return $"  server with 0 (the calling pair only): {Baseline.Describe()}";
            yield return $"  server with {Registered}: {Loaded.Describe()}";
            yield return $"  per connection: RSS {ResidentBytesPerConnection / 1024:0.0} KiB, managed heap {ManagedBytesPerConnection / 1024:0.0} KiB, GC committed {Per(m => m.GcCommittedBytes) / 1024:0.0} KiB (goal < {GoalBytesPerConnection / 1024:0} KiB)";
        }

        yield return "  calls with an idle server:";
        foreach (var line in Idle.Describe("    "))
        {
            yield return line;
        }

        yield return $"  calls with {Registered} connections registered:";
        foreach (var line in LoadedCalls.Describe("    "))
        {
            yield return line;
        }

        yield return "  calls with an idle server again, after the connections closed:";
        foreach (var line in IdleAfter.Describe("    "))
        {
            yield return line;
        }

        yield return $"  conditions at the end: {Conditions}";
    }

    private double? Per(Func<MemoryPoint, long> measure) =>
        Baseline is null || Loaded is null || Registered == 0 ? null : (measure(Loaded) - measure(Baseline)) / (double)Registered;
}
