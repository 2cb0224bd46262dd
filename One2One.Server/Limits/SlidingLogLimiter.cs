using System.Threading.RateLimiting;

namespace One2One.Server.Limits;

/// <summary>
/// At most <c>limit</c> permits in any <c>window</c>, exactly: it keeps the time of each of the last <c>limit</c>
/// grants and a permit comes back one window after it was granted. Reads a <see cref="TimeProvider"/> (see
/// <see cref="TokenBucketLimiter"/> for why not the BCL's limiters). Meant for small limits; refused requests are not queued.
/// </summary>
/// <remarks>State is guarded by <see cref="_gate"/>; any thread may acquire.</remarks>
internal sealed class SlidingLogLimiter : RateLimiter
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly long[] _grantedAt;
    private int _count;
    private int _oldest;
    private long _granted;
    private long _refused;

    public SlidingLogLimiter(TimeProvider time, int limit, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _time = time;
        _window = window;
        _grantedAt = new long[limit];
    }

    /// <summary>Once every grant has left the window the log is as good as a new one; idle since the newest grant.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                if (_count == 0)
                {
                    return TimeSpan.Zero;
                }

                var newest = _grantedAt[(_oldest + _count - 1) % _grantedAt.Length];
                var sinceNewest = _time.GetElapsedTime(newest);
                return sinceNewest >= _window ? sinceNewest : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Expire(_time.GetTimestamp());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _grantedAt.Length - _count,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _refused,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            Expire(now);
            if (_count == _grantedAt.Length)
            {
                _refused++;
                return LimiterLease.Refused(_window - _time.GetElapsedTime(_grantedAt[_oldest], now));
            }

            _grantedAt[(_oldest + _count) % _grantedAt.Length] = now;
            _count++;
            _granted++;
            return LimiterLease.Granted;
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Expire(long now)
    {
        while (_count > 0 && _time.GetElapsedTime(_grantedAt[_oldest], now) >= _window)
        {
            _oldest = (_oldest + 1) % _grantedAt.Length;
            _count--;
        }
    }
}
