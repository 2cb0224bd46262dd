using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace One2One.LoadTest.Target;

/// <summary>The managed heap of a .NET process right after a full blocking GC, and the memory the GC has committed.</summary>
internal readonly record struct ManagedHeap(long HeapBytes, long CommittedBytes);

/// <summary>
/// Reads another .NET process's managed heap through its diagnostics port (EventPipe), as dotnet-gcdump and
/// dotnet-counters do: opening a session with the runtime's GCHeapCollect keyword makes the runtime run an induced,
/// blocking gen 2 collection, and the GCHeapStats event that follows gives the size of every generation (0, 1, 2,
/// large and pinned objects) after it. The System.Runtime counters in the same session give the GC's committed
/// memory. Nothing in the target changes; it needs only the diagnostics port, on by default.
/// </summary>
internal static class ManagedHeapProbe
{
    private const long GcHeapCollectKeyword = 0x800000;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Runs <paramref name="collections"/> induced full GCs (finalizers released by the first are collected by the next) and reads the heap after the last.</summary>
    public static async Task<ManagedHeap> CollectAsync(int pid, int collections, CancellationToken cancellationToken)
    {
        var heap = default(ManagedHeap);
        for (var i = 0; i < collections; i++)
        {
            heap = await CollectOnceAsync(pid, cancellationToken).ConfigureAwait(false);
        }

        return heap;
    }

    private static async Task<ManagedHeap> CollectOnceAsync(int pid, CancellationToken cancellationToken)
    {
        var client = new DiagnosticsClient(pid);
        EventPipeProvider[] providers =
        [
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC | GcHeapCollectKeyword),
            new("System.Runtime", EventLevel.Informational, 0, new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" }),
        ];
        using var session = await client.StartEventPipeSessionAsync(providers, requestRundown: false, circularBufferMB: 64, cancellationToken).ConfigureAwait(false);
        using var source = new EventPipeEventSource(session.EventStream);
        var heapBytes = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var committedBytes = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Clr.GCHeapStats += stats => heapBytes.TrySetResult(
            stats.GenerationSize0 + stats.GenerationSize1 + stats.GenerationSize2 + stats.GenerationSize3 + stats.GenerationSize4);
        source.Dynamic.All += e =>
        {
            // EventCounters carry their sample as a dictionary: Name, and Mean for a polling counter (in MB here).
            if (heapBytes.Task.IsCompleted && e.EventName == "EventCounters"
                && e.PayloadValue(0) is IDictionary<string, object> payload
                && payload.TryGetValue("Payload", out var inner) && inner is IDictionary<string, object> counter
                && counter.TryGetValue("Name", out var name) && name is "gc-committed"
                && counter.TryGetValue("Mean", out var mean))
            {
                committedBytes.TrySetResult((long)(Convert.ToDouble(mean, System.Globalization.CultureInfo.InvariantCulture) * 1_000_000));
            }
        };

        var processing = Task.Run(source.Process, CancellationToken.None);
        try
        {
            var heap = await heapBytes.Task.WaitAsync(Wait, cancellationToken).ConfigureAwait(false);
            var committed = await committedBytes.Task.WaitAsync(Wait, cancellationToken).ConfigureAwait(false);
            return new ManagedHeap(heap, committed);
        }
        finally
        {
            await session.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await processing.ConfigureAwait(false);
        }
    }
}
