using One2One.Server.Contracts;
using One2One.Tests.Support;
using One2One.Tests.Support.Cluster;
using static One2One.Tests.Support.Cluster.ClusterCalls;
using Xunit.Abstractions;

namespace One2One.Tests.Cluster;

/// <summary>
/// Bob, on node B, hangs up a call that lives on node A while A answers nothing (frozen, then declared dead and taken over
/// by B). The hang-up used to be lost: B's hub let Stop succeed, B's take-over brought the call back with bob in it, and
/// alice resumed into a call with nobody (bob's page said "registered", and his next call was refused as "already in a
/// call"). Now the hang-up is seen through: the call ends as bob's hang-up wherever it lives, and its pipeline goes. The
/// reconnect window (60 s) is long enough that a call brought back by the take-over would still hold alice's place when
/// she resumes.
/// </summary>
public sealed class HangUpWhileHomeIsDownTests(ITestOutputHelper output)
    : MultiProcessClusterTests(output, () => MultiProcessCluster.StartAsync(reconnectWindow: TimeSpan.FromSeconds(60)))
{
    [Fact]
    public async Task Bob_s_hang_up_while_the_call_s_node_answers_nothing_ends_the_call_once_that_node_is_taken_over()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await using var carol = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "carol");
        await ConnectAsync(alice, bob);
        var token = alice.ResumeToken;
        (await Cluster.PipelinesAsync()).Should().ContainSingle();

        // The call lives on A (the caller's node). A stops answering; bob hangs up meanwhile.
        await Cluster.A.FreezeAsync();
        await bob.StopAsync();
        await Cluster.A.KillAsync();

        // Released as B takes the call over (A is declared dead within seconds here), not half a minute later when the
        // brought-back call's media would have failed for want of the page that hung up.
        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "the hung-up call's pipeline is released");

        // Bob is free: his next call rings carol.
        await bob.CallAsync("carol", RecordedOffer);
        (await carol.WaitForAsync<IncomingCall>()).Message.From.Should().Be("bob");
        await bob.StopAsync();

        // Alice's page comes back, on B: her registration was kept, her call was not.
        await using var aliceAgain = await SignalingClient.ConnectAsync(Cluster.B.HubUri);
        var resumed = await aliceAgain.ResumeAsync("alice", token);
        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().BeNull("bob hung up: there is no call to come back to");
        bob.Drain().OfType<PeerReconnecting>().Should().BeEmpty("the call was never brought back: bob's page, which hung up, hears nothing more of it");
    }
}
