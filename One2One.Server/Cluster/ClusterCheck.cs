using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Runtime;
using StackExchange.Redis;

namespace One2One.Server.Cluster;

/// <summary>
/// Ready when this node's silo is active in the cluster and, in cluster mode, Redis answers: without it no name
/// can be claimed and no node can reach another's browsers. Data: the active nodes and, in cluster mode, Redis's latency.
/// Degraded (still ready: the node serves its calls) when Redis answers but no longer holds this node's row of Orleans'
/// membership table, as after a Redis restarted without its data: nodes can then neither be declared dead nor have their
/// calls taken over, and no name is claimed any more; every node must be restarted (logged once, <c>MembershipRowLost</c>).
/// </summary>
/// <remarks>
/// Redis is asked through one <see cref="RedisProbe"/>, made with the check and kept. The health check service may run
/// checks concurrently: the one flag (whether this loss was logged) is read and written atomically.
/// </remarks>
internal sealed class ClusterCheck(
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IOptions<ClusterNodeOptions> options,
    IOptions<ClusterOptions> cluster,
    IOptions<RedisClusteringOptions> redisClustering,
    ILogger<ClusterCheck> logger)
    : IHealthCheck, IAsyncDisposable
{
    private int _rowLossLogged;

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
            // One request (within the check's own timeout): does Redis answer, and does it still hold this node's row?
            var table = redisClustering.Value.CreateRedisKey(cluster.Value);
            var asked = Stopwatch.GetTimestamp();
            var held = await _redis.HashFieldExistsAsync(table, silo.SiloAddress.ToString(), cancellationToken).ConfigureAwait(false);
            data["redisLatencyMs"] = Math.Round(Stopwatch.GetElapsedTime(asked).TotalMilliseconds, 1);
            if (!held)
            {
                if (Interlocked.Exchange(ref _rowLossLogged, 1) == 0)
                {
                    ClusterLog.MembershipRowLost(logger, table.ToString());
                }

                return HealthCheckResult.Degraded(MembershipRowLostText, data: data);
            }

            Interlocked.Exchange(ref _rowLossLogged, 0);
            return HealthCheckResult.Healthy($"This node's silo is active; {active} nodes; Redis answers.", data);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis (Cluster:Redis) does not answer.", ex, data);
        }
    }

    public ValueTask DisposeAsync() => _redis?.DisposeAsync() ?? ValueTask.CompletedTask;

    internal const string MembershipRowLostText =
        "Redis answers but no longer holds this node in the cluster's membership table (restarted without its data?): no node can be declared dead nor have its calls taken over, and names are no longer claimed. Restart every node.";
}

internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 258, EventName = "MembershipRowLost", Level = LogLevel.Error,
        Message = "Redis no longer holds this node's row of the cluster's membership table ({Table}): it was restarted without its data, or the key was deleted. Nodes can no longer be declared dead nor their calls taken over, and names are no longer claimed across the cluster. Restart every node (and keep Redis's data across restarts)")]
    public static partial void MembershipRowLost(ILogger logger, string table);
}
