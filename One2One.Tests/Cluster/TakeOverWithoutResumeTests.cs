using One2One.Server.Contracts;
using One2One.Tests.Support;
using One2One.Tests.Support.Cluster;
using static One2One.Tests.Support.Cluster.ClusterCalls;
using Xunit.Abstractions;

namespace One2One.Tests.Cluster;

/// <summary>
/// With resume off (<c>Calls:ReconnectWindow=0</c>), a call whose home dies with one of its pages ends at once on the
/// node that took it over, and that node's take-over of it leaves nothing in the cluster's storage: the record it had
/// just claimed goes with the call. Nor does a call that ends normally: Redis keeps no key for an ended call.
/// </summary>
public sealed class TakeOverWithoutResumeTests(ITestOutputHelper output)
    : MultiProcessClusterTests(output, () => MultiProcessCluster.StartAsync(reconnectWindow: TimeSpan.Zero))
{
    [Fact]
    public async Task Alice_s_node_killed_mid_call_ends_bob_s_call_as_a_disconnect_and_its_record_goes()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");

        // A call that ends by a hang-up leaves no key in Redis either (a cleared state is deleted, not written back empty).
        await ConnectAsync(alice, bob);
        await Eventually.TrueAsync(async () => await Cluster.StoredCallRecordsAsync() == 1, "the call in progress is recorded");
        await alice.StopAsync();
        (await bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(async () => await Cluster.StoredCallRecordsAsync() == 0, "the hung-up call's record goes");

        await ConnectAsync(alice, bob);
        await Eventually.TrueAsync(async () => await Cluster.StoredCallRecordsAsync() == 1, "the call in progress is recorded");

        await Cluster.A.KillAsync();
        (await bob.WaitForAsync<StopCommunication>(TimeSpan.FromSeconds(30))).Message.Reason.Should().Be(Reasons.PeerDisconnected);
        await Eventually.TrueAsync(() => Cluster.B.Log.Contains("taken over from node", StringComparison.Ordinal), "bob's node took the call over before ending it");

        await Eventually.TrueAsync(async () => await Cluster.StoredCallRecordsAsync() == 0, "the ended call's record goes");
        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "the pipeline is released");
    }
}
