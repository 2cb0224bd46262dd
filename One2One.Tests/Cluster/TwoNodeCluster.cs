using One2One.Tests.Support;
using One2One.Tests.Support.Redis;

namespace One2One.Tests.Cluster;

/// <summary>
/// Two app nodes (each a real server on Kestrel with its own Orleans silo) joined into one cluster through a real
/// redis-server (each cluster a redis-server of its own): membership, grain storage and the SignalR backplane. Each
/// instance also has a cluster id of its own (grain storage is keyed by the service id, which a shared Redis would share).
/// </summary>
internal sealed class TwoNodeCluster : IAsyncDisposable
{
    private TwoNodeCluster(RedisServer redis, One2OneServerFactory a, One2OneServerFactory b)
    {
        Redis = redis;
        A = a;
        B = b;
    }

    public RedisServer Redis { get; }

    public One2OneServerFactory A { get; }

    public One2OneServerFactory B { get; }

    /// <param name="createNode">Makes each node's server (its media server, its clock, its windows); the default runs an embedded media server.</param>
    /// <param name="redisOptions">StackExchange.Redis options the nodes add to Redis's address (e.g. shorter timeouts).</param>
    public static async Task<TwoNodeCluster> StartAsync(Func<One2OneServerFactory>? createNode = null, string? redisOptions = null)
    {
        var redis = await RedisServer.StartAsync();
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        One2OneServerFactory? a = null;
        One2OneServerFactory? b = null;
        try
        {
            a = Node(createNode?.Invoke() ?? new One2OneServerFactory(), redis, clusterId, redisOptions);
            _ = a.BaseAddress;
            b = Node(createNode?.Invoke() ?? new One2OneServerFactory(), redis, clusterId, redisOptions);
            _ = b.BaseAddress;
            return new TwoNodeCluster(redis, a, b);
        }
        catch
        {
            // What started is stopped: a node that failed to start must not leave the other, or Redis, running.
            await DisposeAllAsync(b, a, redis);
            throw;
        }
    }

    public ValueTask DisposeAsync() => DisposeAllAsync(B, A, Redis);

    /// <summary>Each is disposed even when one before it throws; the first failure is thrown at the end.</summary>
    private static async ValueTask DisposeAllAsync(params IAsyncDisposable?[] parts)
    {
        Exception? first = null;
        foreach (var part in parts)
        {
            try
            {
                if (part is not null)
                {
                    await part.DisposeAsync();
                }
            }
            catch (Exception ex)
            {
                first ??= ex;
            }
        }

        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }

    private static One2OneServerFactory Node(One2OneServerFactory server, RedisServer redis, string clusterId, string? redisOptions) =>
        server
            .WithSetting("Cluster:Redis", redisOptions is null ? redis.ConnectionString : $"{redis.ConnectionString},{redisOptions}")
            .WithSetting("Cluster:ClusterId", clusterId);
}
