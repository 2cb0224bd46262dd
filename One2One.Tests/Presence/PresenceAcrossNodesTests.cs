using One2One.Server.Contracts;
using One2One.Tests.Cluster;
using One2One.Tests.Support;

namespace One2One.Tests.Presence;

/// <summary>
/// Who is online across two real app nodes over a real Redis: a page's list holds the names registered on either node,
/// and joins and leaves on one node reach the pages on the other.
/// </summary>
public sealed class PresenceAcrossNodesTests : IAsyncLifetime
{
    private TwoNodeCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TwoNodeCluster.StartAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync().AsTask();

    [Fact]
    public async Task Pages_on_each_node_list_the_names_on_both_and_hear_of_joins_and_leaves_on_the_other()
    {
        await using var alice = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "alice");
        (await alice.ExpectPresenceAsync<OnlineUserList>()).Names.Should().BeEmpty();

        // Node B joins the cluster's presence in the background as it starts: bob hears of alice in his list, or just after.
        await using var bob = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "bob");
        await OnlineAsync(bob, "alice");
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange("bob", true), "bob joined on the other node");

        await using var carol = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "carol");
        (await carol.ExpectPresenceAsync<OnlineUserList>()).Names.Should().BeEquivalentTo(["alice", "bob"], "both nodes' names");
        (await bob.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange("carol", true));
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange("carol", true));

        await bob.DisconnectAsync();
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange("bob", false));
        (await carol.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange("bob", false));

        await using var dave = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "dave");
        (await dave.ExpectPresenceAsync<OnlineUserList>()).Names.Should().BeEquivalentTo(["alice", "carol"], "bob left");
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange("dave", true), "dave joined on the other node");
        await Task.Delay(300);
        alice.DrainPresence().Should().BeEmpty("dave's join is told once");
    }

    [Fact]
    public async Task A_page_resuming_on_the_other_node_never_goes_offline_for_anyone()
    {
        await using var alice = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "bob");
        await OnlineAsync(bob, "alice");
        alice.DrainPresence();
        var token = bob.ResumeToken;

        // Bob's page moves to node A (a new network; the load balancer picked A): his old connection closes on B.
        await using var bobOnA = await SignalingClient.ConnectAsync(_cluster.A.HubUri);
        (await bobOnA.ResumeAsync("bob", token)).Response.Should().Be(Responses.Accepted);
        await bob.DisconnectAsync();
        await Task.Delay(500);

        // His old node says where he went before his old connection closes: he moved, he never left. (His new node may
        // announce him once more if it registers him before that word arrives: harmless for a list.)
        alice.DrainPresence().Should().NotContain(new PresenceChange("bob", false), "bob never went offline, he moved");
        await using var carol = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "carol");
        (await carol.ExpectPresenceAsync<OnlineUserList>()).Names.Should().BeEquivalentTo(["alice", "bob"]);
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange("carol", true));

        // And when he leaves for good, everyone hears it once.
        await bobOnA.DisconnectAsync();
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange("bob", false));
        (await carol.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange("bob", false));
    }

    [Fact]
    public async Task A_page_resuming_on_its_own_node_while_its_old_connection_still_looks_alive_stays_online_on_the_other()
    {
        await using var alice = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "bob");
        await OnlineAsync(alice, "bob");
        alice.DrainPresence();

        // A network change: bob's page comes back on a new connection to the same node, which takes over the old one (still
        // open, half-open as far as the server knows) and closes it.
        await using var bobAgain = await SignalingClient.ConnectAsync(_cluster.B.HubUri);
        (await bobAgain.ResumeAsync("bob", bob.ResumeToken)).Response.Should().Be(Responses.Accepted);
        await Task.Delay(500);

        alice.DrainPresence().Should().NotContain(new PresenceChange("bob", false), "bob never left node B");
        await using var carol = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "carol");
        (await carol.ExpectPresenceAsync<OnlineUserList>()).Names.Should().BeEquivalentTo(["alice", "bob"]);
    }

    /// <summary>Waits until <paramref name="client"/> lists <paramref name="name"/>: in its snapshot, or by a change after it.</summary>
    private static async Task OnlineAsync(SignalingClient client, string name)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var next = await client.NextPresenceAsync(deadline - DateTime.UtcNow);
            if (next is OnlineUserList list && list.Names.Contains(name) || next is PresenceChange { Online: true } change && change.Name == name)
            {
                return;
            }
        }

        throw new TimeoutException($"{name} never showed as online.");
    }
}
