using One2One.LoadTest.Target;

namespace One2One.LoadTest.Scenarios;

/// <summary>The server's memory after a forced settle: resident set (all, and anonymous only), managed heap after a full GC, GC-committed memory.</summary>
internal sealed record MemoryPoint(long ResidentBytes, long ResidentAnonymousBytes, long ManagedHeapBytes, long GcCommittedBytes)
{
    // Long enough for the work a burst of connections leaves (disconnect timers, pooled buffers going back) to finish.
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    /// <summary>Waits for quiet, forces two full GCs in the server, then reads its memory.</summary>
    public static async Task<MemoryPoint> SettleAndReadAsync(int pid, CancellationToken cancellationToken)
    {
        await Task.Delay(Quiet, cancellationToken).ConfigureAwait(false);
        var heap = await ManagedHeapProbe.CollectAsync(pid, collections: 2, cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        var process = ProcessStats.Read(pid);
        return new MemoryPoint(process.ResidentBytes, process.ResidentAnonymousBytes, heap.HeapBytes, heap.CommittedBytes);
    }

    public string Describe() =>
        $"RSS {Mb(ResidentBytes)} (anonymous {Mb(ResidentAnonymousBytes)}), managed heap {Mb(ManagedHeapBytes)}, GC committed {Mb(GcCommittedBytes)}";

    private static string Mb(long bytes) => $"{bytes / 1_048_576.0:0.0} MiB";
}
