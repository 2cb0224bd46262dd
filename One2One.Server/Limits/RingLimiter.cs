using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace One2One.Server.Limits;

/// <summary>
/// How often one caller may ring the same person: at most <see cref="LimitsOptions.RingsPerPairPerMinute"/> in any
/// minute. The caller is its client address (names and connections are free to make, the address is not), the callee
/// its registered name regardless of case.
/// </summary>
/// <remarks>Thread-safe, as <see cref="RequestRateLimiter"/>.</remarks>
internal sealed class RingLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<(ClientAddress Caller, string Callee)> _limiter;

    public RingLimiter(IOptions<LimitsOptions> options, LimitsClock clock)
    {
        var rings = options.Value.RingsPerPairPerMinute;
        var time = clock.Time;
        _limiter = PartitionedRateLimiter.Create<(ClientAddress Caller, string Callee), (ClientAddress, string)>(
            pair => RateLimitPartition.Get((pair.Caller, pair.Callee.ToUpperInvariant()), _ => new SlidingLogLimiter(time, rings, TimeSpan.FromMinutes(1))));
    }

    public bool TryRing(ClientAddress caller, string callee, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire((caller, callee));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
