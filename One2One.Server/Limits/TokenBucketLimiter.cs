using System.Threading.RateLimiting;

namespace One2One.Server.Limits;

/// <summary>
/// A token bucket that reads its time from a <see cref="TimeProvider"/>: it holds <c>capacity</c> tokens and refills
/// <c>capacity</c> per <c>period</c>, continuously, computed when asked (no timer). The BCL's TokenBucketRateLimiter
/// reads Stopwatch even when replenished by hand, so a test could not move its clock. Refused requests are not queued.
/// </summary>
/// <remarks>State is guarded by <see cref="_gate"/>; any thread may acquire.</remarks>
internal sealed class TokenBucketLimiter : RateLimiter
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly double _tokensPerSecond;
    private double _tokens;
    private long _updatedAt;
    private long _lastAcquiredAt;
    private long _granted;
    private long _refused;

    public TokenBucketLimiter(TimeProvider time, int capacity, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        _time = time;
        _capacity = capacity;
        _tokensPerSecond = capacity / period.TotalSeconds;
        _tokens = capacity;
        _updatedAt = _lastAcquiredAt = time.GetTimestamp();
    }

    /// <summary>How long the bucket has been untouched, once it is full again (a full bucket is as good as a new one).</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _tokens >= _capacity ? _time.GetElapsedTime(_lastAcquiredAt) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Refill();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)_tokens,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _refused,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _capacity);
        lock (_gate)
        {
            Refill();
            var needed = Math.Max(permitCount, 1);
            if (_tokens >= needed)
            {
                _tokens -= permitCount;
                _lastAcquiredAt = _updatedAt;
                _granted++;
                return LimiterLease.Granted;
            }

            _refused++;
            return LimiterLease.Refused(TimeSpan.FromSeconds((needed - _tokens) / _tokensPerSecond));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_updatedAt, now).TotalSeconds * _tokensPerSecond));
        _updatedAt = now;
    }
}
