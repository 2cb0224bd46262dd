using One2One.Server.Contracts;
using One2One.Tests.Support;
using One2One.Tests.Support.Cluster;
using Xunit.Abstractions;
using static One2One.Tests.Support.Cluster.ClusterCalls;

namespace One2One.Tests.Cluster;

/// <summary>
/// Three app nodes as separate processes, over a real Redis and a standalone media server: a call whose two pages had both
/// moved off its home onto the two other nodes, when the home dies (SIGKILL). One of those nodes takes the call over; the
/// other participant's page stays where it is, its node forwarding to the new home; nobody's call ends.
/// </summary>
public sealed class ThreeNodesTests(ITestOutputHelper output)
    : MultiProcessClusterTests(output, () => MultiProcessCluster.StartAsync(reconnectWindow: TimeSpan.FromSeconds(20), thirdNode: true))
{
    private static readonly TimeSpan TakeOverLimit = TimeSpan.FromSeconds(60);
    [Fact]
    public async Task A_call_whose_pages_moved_to_the_two_other_nodes_goes_on_when_its_home_dies_and_a_hang_up_releases_its_pipeline()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "bob");
        await ConnectAsync(alice, bob);
        var pipelines = await Cluster.PipelinesAsync();
        pipelines.Should().ContainSingle();

        // Each page comes back on another node (a reload each; through the load balancer in production): the call stays on
        // A, alice's side forwarded from B and bob's from C.
        await using var aliceOnB = await MoveAsync(alice, "alice", Cluster.B, "bob");
        await using var bobOnC = await MoveAsync(bob, "bob", Cluster.C, "alice");
        await ShouldReachEachOtherAsync(aliceOnB, bobOnC);

        await Cluster.A.KillAsync();

        // Once the cluster declares A dead, B or C takes the call over (it logs the take-over) and the other's side moves to
        // it (it logs the move): before, the first to ask refused a call with a participant on a third node, and both ended.
        await UntilAsync(() => Cluster.B.Log.Contains("taken over from node", StringComparison.Ordinal)
                                   || Cluster.C.Log.Contains("taken over from node", StringComparison.Ordinal),
            "a surviving node takes the call over");
        await UntilAsync(() => Cluster.B.Log.Contains("took it over", StringComparison.Ordinal)
                                   || Cluster.C.Log.Contains("took it over", StringComparison.Ordinal),
            "the other surviving node's side moves to the new home");
        await ShouldReachEachOtherAsync(aliceOnB, bobOnC);
        aliceOnB.Drain().OfType<StopCommunication>().Should().BeEmpty("alice's call never ended");
        bobOnC.Drain().OfType<StopCommunication>().Should().BeEmpty("bob's call never ended");
        (await Cluster.PipelinesAsync()).Should().Equal(pipelines, "the call's pipeline carried it throughout");

        await bobOnC.StopAsync();
        (await aliceOnB.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "the pipeline is released");
        await using var carol = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "carol");
        await aliceOnB.CallAsync("carol", RecordedOffer);
        (await carol.WaitForAsync<IncomingCall>()).Message.From.Should().Be("alice", "alice is free to call again");
    }

    /// <summary>The page's connection closes and it resumes on <paramref name="node"/>, back in its call with <paramref name="peer"/>.</summary>
    private static async Task<SignalingClient> MoveAsync(SignalingClient page, string name, AppNodeProcess node, string peer)
    {
        var token = page.ResumeToken;
        await page.DisconnectAsync();
        var moved = await SignalingClient.ConnectAsync(node.HubUri);
        var resumed = await moved.ResumeAsync(name, token);
        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().Be(peer);
        return moved;
    }

    /// <summary>Each side's mute reaches the other: each page's requests reach the call's home, and its messages the page.</summary>
    private static async Task ShouldReachEachOtherAsync(SignalingClient alice, SignalingClient bob)
    {
        await alice.SetMediaStateAsync(new MediaState(Audio: false, Video: true));
        (await bob.WaitForAsync<MediaState>()).Message.Should().Be(new MediaState(false, true));
        await bob.SetMediaStateAsync(new MediaState(Audio: true, Video: false));
        (await alice.WaitForAsync<MediaState>()).Message.Should().Be(new MediaState(true, false));
    }

    private static async Task UntilAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow + TakeOverLimit;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        condition().Should().BeTrue(because);
    }
}
