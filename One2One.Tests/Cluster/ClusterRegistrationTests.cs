using One2One.Server.Contracts;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>Names are unique across the cluster, regardless of case, as on one node.</summary>
public sealed class ClusterRegistrationTests : IAsyncLifetime
{
    private TwoNodeCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TwoNodeCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Bob_registered_on_node_A_makes_BOB_on_node_B_taken_until_bob_leaves()
    {
        var bob = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "bob");
        await using var other = await SignalingClient.ConnectAsync(_cluster.B.HubUri);

        var refused = await other.RegisterAsync("BOB");

        refused.Response.Should().Be(Responses.Rejected);
        refused.Reason.Should().Be(Reasons.NameTaken);

        await bob.DisposeAsync();
        await Eventually.TrueAsync(async () => (await other.RegisterAsync("BOB")).Response == Responses.Accepted,
            "bob's name is free across the cluster once his connection closed");
    }

    [Fact]
    public async Task Two_nodes_claiming_one_name_at_once_give_it_to_exactly_one()
    {
        await using var onA = await SignalingClient.ConnectAsync(_cluster.A.HubUri);
        await using var onB = await SignalingClient.ConnectAsync(_cluster.B.HubUri);

        var answers = await Task.WhenAll(onA.RegisterAsync("carol"), onB.RegisterAsync("Carol"));

        answers.Count(a => a.Response == Responses.Accepted).Should().Be(1);
        answers.Should().ContainSingle(a => a.Reason == Reasons.NameTaken);
    }
}
