using One2One.Server.Contracts;
using One2One.Tests.Support;
using One2One.Tests.Support.Cluster;
using Xunit.Abstractions;

namespace One2One.Tests.Cluster;

/// <summary>
/// Two app nodes as separate processes behind the load balancer, over a real Redis and a standalone media server: what
/// holds across processes today (one registry of names; a node that dies for real, SIGKILL, costs its people nothing
/// but a new connection). Calls between people on different nodes are not there yet (issue 8's call grains).
/// </summary>
public sealed class SeveralNodesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private MultiProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MultiProcessCluster.StartAsync(reconnectWindow: TimeSpan.FromSeconds(5));

    public async Task DisposeAsync()
    {
        // What the nodes said (warnings and worse), for a failing test.
        output.WriteLine($"node a:\n{_cluster.A.Log}\nnode b:\n{_cluster.B.Log}");
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Bob_registered_on_node_A_makes_BOB_on_node_B_taken_and_through_the_load_balancer_too()
    {
        await using var bob = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "bob");

        await using var onB = await SignalingClient.ConnectAsync(_cluster.B.HubUri);
        (await onB.RegisterAsync("BOB")).Reason.Should().Be(Reasons.NameTaken);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            // Round-robin: the attempts reach both nodes.
            await using var balanced = await SignalingClient.ConnectAsync(_cluster.LoadBalancedHubUri);
            (await balanced.RegisterAsync("Bob")).Reason.Should().Be(Reasons.NameTaken);
        }

        await using var alice = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "alice");
        await alice.CallAsync("bob", "v=0\r\n");
        var refused = await alice.ExpectAsync<CallResponse>();
        refused.Reason.Should().Be(Reasons.Unavailable, "bob is registered, on the other node");
        refused.Message.Should().Contain("another server", "not the false 'no user named bob'");

        await bob.UnregisterAsync();
        (await onB.RegisterAsync("BOB")).Response.Should().Be(Responses.Accepted, "the name is free across the cluster once bob leaves");
    }

    [Fact]
    public async Task A_killed_node_s_people_come_back_through_the_load_balancer_under_their_own_names_and_the_other_node_s_are_untouched()
    {
        await using var alice = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "alice");
        await using var carol = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "carol");
        var token = alice.ResumeToken;

        await _cluster.A.KillAsync();
        await Eventually.TrueAsync(() => alice.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected, "alice's connection went with node A");

        // What alice's page does (the SDK's Softphone): connect again through the load balancer, which no longer sends
        // anyone to A; resume with the token; a node that never knew it refuses, and the page registers its name afresh,
        // which succeeds once the cluster has declared A dead (Cluster:Membership, seconds here).
        await using var aliceAgain = await ConnectThroughTheLoadBalancerAsync();
        (await aliceAgain.ResumeAsync("alice", token)).Reason.Should().Be(Reasons.ResumeExpired, "node B never held alice's registration");
        await RegisterOnceTheDeadNodeIsDeclaredAsync(aliceAgain, "alice");

        await using var other = await SignalingClient.ConnectAsync(_cluster.LoadBalancedHubUri);
        (await other.RegisterAsync("ALICE")).Reason.Should().Be(Reasons.NameTaken, "alice holds it again, on node B");
        (await other.RegisterAsync("CAROL")).Reason.Should().Be(Reasons.NameTaken, "carol on node B never noticed");
        carol.State.Should().Be(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected);
    }

    /// <summary>
    /// Connects as a page with SignalR's automatic reconnect would: until the load balancer's health checks have taken the
    /// dead node out (two failed probes, half a second apart here), a connection may still be sent there and fail.
    /// </summary>
    private async Task<SignalingClient> ConnectThroughTheLoadBalancerAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SignalingClient.ConnectAsync(_cluster.LoadBalancedHubUri);
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    /// <summary>
    /// Registers <paramref name="name"/>, taken until the cluster declares its dead holder dead (and refused as server-busy
    /// while the claim's grain cannot be reached): once a second (the node's shipped limit allows 10 registrations a minute
    /// per connection), for at most 45 s.
    /// </summary>
    private static async Task RegisterOnceTheDeadNodeIsDeclaredAsync(SignalingClient client, string name)
    {
        RegisterResponse answer;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        while ((answer = await client.RegisterAsync(name)).Reason is Reasons.NameTaken or Reasons.ServerBusy && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        answer.Response.Should().Be(Responses.Accepted, $"{name}'s name, held by a dead node, is theirs again: {answer.Message}");
    }
}
