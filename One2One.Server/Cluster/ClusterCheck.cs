using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using StackExchange.Redis;

namespace One2One.Server.Cluster;

/// <summary>
/// Ready when this node's silo is active in the cluster and, in cluster mode, Redis answers a PING: without it no name
/// can be claimed and no node can reach another's browsers. Data: the active nodes and, in cluster mode, Redis's latency.
/// </summary>
/// <remarks>The Redis connection is made on the first probe and kept (StackExchange.Redis reconnects by itself).</remarks>
internal sealed class ClusterCheck(IClusterMembershipService membership, ILocalSiloDetails silo, IOptions<ClusterNodeOptions> options)
    : IHealthCheck, IAsyncDisposable
{
    /// <summary>How long a probe waits for Redis's answer; below the check's own timeout, so the report names Redis.</summary>
    private static readonly TimeSpan RedisWait = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _redis;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var snapshot = membership.CurrentSnapshot;
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var data = new Dictionary<string, object> { ["activeNodes"] = active, ["clustered"] = options.Value.IsClustered };
        if (snapshot.GetSiloStatus(silo.SiloAddress) != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"This node's silo is {snapshot.GetSiloStatus(silo.SiloAddress)}, not active in the cluster.", data: data);
        }

        if (!options.Value.IsClustered)
        {
            return HealthCheckResult.Healthy("A cluster of one: this node's silo is active.", data);
        }

        try
        {
            var redis = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(RedisWait, cancellationToken).ConfigureAwait(false);
            data["redisLatencyMs"] = latency.TotalMilliseconds;
            return HealthCheckResult.Healthy($"This node's silo is active; {active} nodes; Redis answers.", data);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis (Cluster:Redis) does not answer.", ex, data);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is { } redis)
        {
            await redis.DisposeAsync().ConfigureAwait(false);
        }

        _connecting.Dispose();
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _redis) is { } connected)
        {
            return connected;
        }

        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_redis is null)
            {
                var configuration = ConfigurationOptions.Parse(options.Value.Redis!);
                configuration.AbortOnConnectFail = false;
                configuration.ConnectTimeout = 2000;
                configuration.AsyncTimeout = 2000;
                // A probe asks whether Redis answers now: commands are not queued while the connection is down.
                configuration.BacklogPolicy = BacklogPolicy.FailFast;
                Volatile.Write(ref _redis, await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(RedisWait, cancellationToken).ConfigureAwait(false));
            }

            return _redis!;
        }
        finally
        {
            _connecting.Release();
        }
    }
}
