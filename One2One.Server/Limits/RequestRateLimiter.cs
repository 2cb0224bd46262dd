using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace One2One.Server.Limits;

/// <summary>
/// How often a connection, and all connections from one client address, may make each <see cref="LimitedRequest"/>:
/// a token bucket per (request, connection) chained with one per (request, address). The connection's bucket is
/// asked first, so one connection flooding spends at most its own budget from its address's.
/// </summary>
/// <remarks>Thread-safe: the partitioned limiters lock per partition. Idle partitions (full buckets) are dropped by
/// the partitioned limiter's own housekeeping, so closed connections leave nothing behind.</remarks>
internal sealed class RequestRateLimiter : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<Request> _perConnection;
    private readonly PartitionedRateLimiter<Request> _perAddress;
    private readonly PartitionedRateLimiter<Request> _limiter;

    public RequestRateLimiter(IOptions<LimitsOptions> options, LimitsClock clock)
    {
        var limits = options.Value;
        var time = clock.Time;
        _perConnection = PartitionedRateLimiter.Create<Request, (LimitedRequest, string)>(request =>
            RateLimitPartition.Get((request.Kind, request.ConnectionId), key => new TokenBucketLimiter(time, PerConnection(limits, key.Item1), Minute)));
        _perAddress = PartitionedRateLimiter.Create<Request, (LimitedRequest, ClientAddress)>(request =>
            RateLimitPartition.Get((request.Kind, request.Address), key => new TokenBucketLimiter(time, PerAddress(limits, key.Item1), Minute)));
        _limiter = PartitionedRateLimiter.CreateChained(_perConnection, _perAddress);
    }

    /// <summary>Takes one request from both budgets; when either is spent, says how long until it has one again.</summary>
    public bool TryAcquire(LimitedRequest kind, string connectionId, ClientAddress address, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(new Request(kind, connectionId, address));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
        return lease.IsAcquired;
    }

    /// <summary>The two partitioned limiters the chain asks (for tests).</summary>
    internal IReadOnlyList<PartitionedRateLimiter<Request>> Parts => [_perConnection, _perAddress];

    /// <summary>
    /// Disposes the chain and both limiters in it: the chain does not dispose what it was made of, and each
    /// partitioned limiter runs a timer (its housekeeping) that keeps it, and its partitions, alive until disposed.
    /// </summary>
    public void Dispose()
    {
        _limiter.Dispose();
        _perConnection.Dispose();
        _perAddress.Dispose();
    }

    private static int PerConnection(LimitsOptions limits, LimitedRequest kind) => kind switch
    {
        LimitedRequest.Register => limits.RegisterPerConnectionPerMinute,
        LimitedRequest.Call => limits.CallAttemptsPerConnectionPerMinute,
        LimitedRequest.MediaState => limits.MediaStatePerConnectionPerMinute,
        LimitedRequest.IceServers => limits.IceServersPerConnectionPerMinute,
        _ => limits.CandidatesPerConnectionPerMinute,
    };

    private static int PerAddress(LimitsOptions limits, LimitedRequest kind) => kind switch
    {
        LimitedRequest.Register => limits.RegisterPerAddressPerMinute,
        LimitedRequest.Call => limits.CallAttemptsPerAddressPerMinute,
        LimitedRequest.MediaState => limits.MediaStatePerAddressPerMinute,
        LimitedRequest.IceServers => limits.IceServersPerAddressPerMinute,
        _ => limits.CandidatesPerAddressPerMinute,
    };

    internal readonly record struct Request(LimitedRequest Kind, string ConnectionId, ClientAddress Address);
}
