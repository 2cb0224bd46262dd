using One2One.Server.Cluster;
using One2One.Tests.Support;
using One2One.Tests.Support.Redis;
using StackExchange.Redis;

namespace One2One.Tests.Cluster;

/// <summary>The readiness check's Redis probe against a real redis-server, frozen (SIGSTOP) as a hung or cut-off Redis.</summary>
public sealed class RedisProbeTests
{
    [Fact]
    public async Task Probes_while_redis_does_not_answer_make_one_connection_which_answers_once_redis_is_back()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.FreezeAsync();
        // Shorter than the connection's own 2 s connect timeout: each probe gives up while the connection is being made.
        await using var probe = new RedisProbe(redis.ConnectionString, TimeSpan.FromMilliseconds(300));

        for (var i = 0; i < 4; i++)
        {
            var ping = () => probe.PingAsync(CancellationToken.None);
            await ping.Should().ThrowAsync<Exception>().Where(e => e is TimeoutException || e is RedisException, "Redis answers nothing");
        }

        await redis.ThawAsync();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return await probe.PingAsync(CancellationToken.None) >= TimeSpan.Zero;
            }
            catch (Exception ex) when (ex is TimeoutException or RedisException)
            {
                return false;
            }
        }, "the probe answers once Redis does");

        (await ProbeClientsAsync(redis)).Should().BeInRange(1, 2,
            "one multiplexer (its interactive and subscription connections), not one per probe made while Redis was frozen");
    }

    [Fact]
    public async Task A_probe_disposed_while_its_connection_is_being_made_closes_it_once_made()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.FreezeAsync();
        var probe = new RedisProbe(redis.ConnectionString, TimeSpan.FromMilliseconds(300));
        var ping = () => probe.PingAsync(CancellationToken.None);
        await ping.Should().ThrowAsync<Exception>();

        await probe.DisposeAsync();
        await redis.ThawAsync();

        // Past the connection's 2 s connect timeout: by then it was made (or gave up), and a kept one would be listed.
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await ProbeClientsAsync(redis)).Should().Be(0, "the connection made after the dispose is closed");
    }

    private static async Task<int> ProbeClientsAsync(RedisServer redis)
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var clients = await admin.GetServer(redis.Endpoint).ClientListAsync();
        return clients.Count(c => c.Name == RedisProbe.ClientName);
    }
}
