using System.Net;
using System.Text.Json;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary><c>/readyz</c>'s cluster check: a node alone, two nodes over a real Redis, and that Redis gone.</summary>
public sealed class ClusterHealthTests
{
    [Fact]
    public async Task A_node_alone_is_ready_as_a_cluster_of_one()
    {
        await using var server = new One2OneServerFactory();

        var (status, check) = await ReadyAsync(server);

        status.Should().Be(HttpStatusCode.OK);
        check.GetProperty("status").GetString().Should().Be("Healthy");
        check.GetProperty("data").GetProperty("activeNodes").GetInt32().Should().Be(1);
        check.GetProperty("data").GetProperty("clustered").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Two_nodes_over_redis_see_each_other_turn_unready_while_redis_does_not_answer_and_ready_once_it_does()
    {
        await using var cluster = await TwoNodeCluster.StartAsync();

        await Eventually.TrueAsync(async () =>
        {
            var (status, check) = await ReadyAsync(cluster.B);
            return status == HttpStatusCode.OK && check.GetProperty("data").GetProperty("activeNodes").GetInt32() == 2;
        }, "node B's readiness counts both nodes once membership settled");
        var (_, ready) = await ReadyAsync(cluster.A);
        ready.GetProperty("data").GetProperty("clustered").GetBoolean().Should().BeTrue();

        await cluster.Redis.FreezeAsync();

        await Eventually.TrueAsync(async () => (await ReadyAsync(cluster.A)).Status == HttpStatusCode.ServiceUnavailable,
            "without Redis no name can be claimed");
        var (_, unready) = await ReadyAsync(cluster.A);
        unready.GetProperty("description").GetString().Should().Contain("Redis");

        await cluster.Redis.ThawAsync();
        await Eventually.TrueAsync(async () => (await ReadyAsync(cluster.A)).Status == HttpStatusCode.OK, "Redis answers again");
    }

    private static async Task<(HttpStatusCode Status, JsonElement Check)> ReadyAsync(One2OneServerFactory server)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.GetAsync("readyz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var check = body.GetProperty("checks").EnumerateArray().Should().ContainSingle(c => c.GetProperty("name").GetString() == "cluster").Subject;
        return (response.StatusCode, check.Clone());
    }
}
