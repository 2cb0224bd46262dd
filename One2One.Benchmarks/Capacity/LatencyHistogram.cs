namespace One2One.Benchmarks.Capacity;

/// <summary>Forwarding latencies in microseconds, counted in 1 µs buckets up to 100 ms (beyond: the last bucket). One writer.</summary>
internal sealed class LatencyHistogram
{
    private const int Buckets = 100_000;
    private readonly long[] _counts = new long[Buckets + 1];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Add(long microseconds)
    {
        var bucket = (int)Math.Clamp(microseconds, 0, Buckets);
        _counts[bucket]++;
        Count++;
        Max = Math.Max(Max, microseconds);
    }

    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
        Max = 0;
    }

    /// <summary>The latency that <paramref name="fraction"/> of the samples do not exceed.</summary>
    public long Percentile(double fraction)
    {
        var target = (long)Math.Ceiling(Count * fraction);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target && seen > 0)
            {
                return i;
            }
        }

        return 0;
    }
}
