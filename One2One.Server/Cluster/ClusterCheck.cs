using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using StackExchange.Redis;

namespace One2One.Server.Cluster;

/// <summary>
/// Ready when this node's silo is active in the cluster and, in cluster mode, Redis answers a PING: without it no name
/// can be claimed and no node can reach another's browsers. Data: the active nodes and, in cluster mode, Redis's latency.
/// </summary>
/// <remarks>Redis is asked through one <see cref="RedisProbe"/>, made with the check and kept.</remarks>
internal sealed class ClusterCheck(IClusterMembershipService membership, ILocalSiloDetails silo, IOptions<ClusterNodeOptions> options)
    : IHealthCheck, IAsyncDisposable
{
    /// <summary>How long a probe waits for Redis's answer; below the check's own timeout, so the report names Redis.</summary>
    private static readonly TimeSpan RedisWait = TimeSpan.FromSeconds(2);

    private readonly RedisProbe? _redis = options.Value.IsClustered ? new RedisProbe(options.Value.Redis!, RedisWait) : null;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var snapshot = membership.CurrentSnapshot;
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var data = new Dictionary<string, object> { ["activeNodes"] = active, ["clustered"] = options.Value.IsClustered };
        if (snapshot.GetSiloStatus(silo.SiloAddress) != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"This node's silo is {snapshot.GetSiloStatus(silo.SiloAddress)}, not active in the cluster.", data: data);
        }

        if (_redis is null)
        {
            return HealthCheckResult.Healthy("A cluster of one: this node's silo is active.", data);
        }

        try
        {
            var latency = await _redis.PingAsync(cancellationToken).ConfigureAwait(false);
            data["redisLatencyMs"] = latency.TotalMilliseconds;
            return HealthCheckResult.Healthy($"This node's silo is active; {active} nodes; Redis answers.", data);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis (Cluster:Redis) does not answer.", ex, data);
        }
    }

    public ValueTask DisposeAsync() => _redis?.DisposeAsync() ?? ValueTask.CompletedTask;
}
