using System.Net;
using System.Text.Json;
using One2One.Tests.Support;
using One2One.Tests.Support.Cluster;
using Xunit.Abstractions;

namespace One2One.Tests.Cluster;

/// <summary>
/// A Redis that comes back without its data (restarted without persistence; here its data flushed): Orleans' membership
/// table is gone, and with it the cluster's ability to declare a node dead and take its calls over, and every name's
/// claim. Nothing in the nodes can rebuild that; each says so, in its readiness and its log, with what to do. Two app
/// nodes as processes over a real redis-server (killed at the end: a graceful stop retries its membership updates).
/// </summary>
public sealed class RedisRestartedEmptyTests(ITestOutputHelper output)
    : MultiProcessClusterTests(output, () => MultiProcessCluster.StartAsync(reconnectWindow: TimeSpan.FromSeconds(5)))
{
    [Fact]
    public async Task Each_node_says_in_its_readiness_and_its_log_that_Redis_lost_the_clusters_tables_and_that_every_node_must_be_restarted()
    {
        await Eventually.TrueAsync(async () => (await ClusterCheckAsync(Cluster.A)).Status == "Healthy", "node A is ready in a cluster of two");

        (await Cluster.Redis.CommandAsync("FLUSHALL")).Should().Be("+OK");

        foreach (var node in new[] { Cluster.A, Cluster.B })
        {
            await Eventually.TrueAsync(async () => (await ClusterCheckAsync(node)).Status == "Degraded", $"node {node.Name} finds its membership row gone");
            var (status, _, description) = await ClusterCheckAsync(node);
            description.Should().Contain("no longer holds this node").And.Contain("Restart every node");
            await Eventually.TrueAsync(() => node.Log.Contains("no longer holds this node's row", StringComparison.Ordinal), $"node {node.Name} logs it");
            (await HttpStatusAsync(node)).Should().Be(HttpStatusCode.OK, "the node still serves its own calls: degraded, not unready");
            status.Should().Be("Degraded");
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        var logged = Cluster.A.Log.Split("no longer holds this node's row").Length - 1;
        logged.Should().Be(1, "said once, not at every readiness probe");
    }

    private static async Task<(string Status, string Node, string Description)> ClusterCheckAsync(AppNodeProcess node)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync("readyz");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var check = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "cluster");
        return (check.GetProperty("status").GetString()!, node.Name,
            check.TryGetProperty("description", out var description) ? description.GetString() ?? "" : "");
    }

    private static async Task<HttpStatusCode> HttpStatusAsync(AppNodeProcess node)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync("readyz");
        return response.StatusCode;
    }
}
