using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Signaling;
using One2One.Tests.Support;
using StackExchange.Redis;

namespace One2One.Tests.Cluster;

/// <summary>
/// The SignalR backplane over a real redis-server under two nodes: what a node has for a page it does not hold (one whose
/// connection has just closed, as when a registration's acceptance finishes after its page went away) is not published
/// to Redis, where it would reach no page, only whoever reads Redis.
/// </summary>
public sealed class BackplaneTests
{
    [Fact]
    public async Task A_message_for_a_connection_the_node_does_not_hold_is_not_published_to_Redis()
    {
        await using var cluster = await TwoNodeCluster.StartAsync();
        await using var reader = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.ConnectionString);
        var published = new ConcurrentQueue<string>();
        await reader.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("*"), (_, message) => published.Enqueue(message.ToString()));
        await using var bob = await SignalingClient.RegisteredAsync(cluster.B.HubUri, "bob");
        var backplane = cluster.A.Services.GetRequiredService<HubLifetimeManager<One2OneHub>>();

        await backplane.SendConnectionAsync("a-connection-gone-from-node-a", "RegisterResponse", ["resume-token-7f3a9c"]);

        // Redis runs commands one at a time: a marker published after the node's send arrives after anything that sent.
        await reader.GetSubscriber().PublishAsync(RedisChannel.Literal("test-marker"), "marker");
        await Eventually.TrueAsync(() => published.Contains("marker"), "the marker arrived");
        published.Should().NotContain(m => m.Contains("resume-token-7f3a9c", StringComparison.Ordinal), "anyone reading Redis would see it");
        (await bob.GetIceServersAsync()).Should().NotBeNull("the nodes go on");
    }
}
