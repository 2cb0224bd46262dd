using One2One.Server.Contracts;
using One2One.Tests.Support;
using One2One.Tests.Support.Cluster;
using static One2One.Tests.Support.Cluster.ClusterCalls;
using Xunit.Abstractions;

namespace One2One.Tests.Cluster;

/// <summary>
/// Two app nodes as separate processes behind the load balancer, over a real Redis and a standalone media server (which
/// negotiates Chromium's recorded offer for real): one registry of names, calls between people on different nodes, and a
/// node that dies for real (SIGKILL) mid-call: the call goes on (on the other node, if it lived on the dead one), its
/// people resume through the load balancer, or the call ends as a disconnect once the reconnect window (5 s here) has passed.
/// </summary>
public sealed class SeveralNodesTests(ITestOutputHelper output)
    : MultiProcessClusterTests(output, () => MultiProcessCluster.StartAsync(reconnectWindow: TimeSpan.FromSeconds(5)))
{
    [Fact]
    public async Task Bob_registered_on_node_A_makes_BOB_on_node_B_taken_and_through_the_load_balancer_too()
    {
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "bob");

        await using var onB = await SignalingClient.ConnectAsync(Cluster.B.HubUri);
        (await onB.RegisterAsync("BOB")).Reason.Should().Be(Reasons.NameTaken);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            // Round-robin: the attempts reach both nodes.
            await using var balanced = await SignalingClient.ConnectAsync(Cluster.LoadBalancedHubUri);
            (await balanced.RegisterAsync("Bob")).Reason.Should().Be(Reasons.NameTaken);
        }

        await bob.UnregisterAsync();
        (await onB.RegisterAsync("BOB")).Response.Should().Be(Responses.Accepted, "the name is free across the cluster once bob leaves");
    }

    [Fact]
    public async Task Alice_on_node_A_calls_bob_on_node_B_both_get_their_answers_and_his_hang_up_releases_the_pipeline()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");

        await ConnectAsync(alice, bob);
        (await Cluster.PipelinesAsync()).Should().HaveCount(1);

        await bob.StopAsync();
        (await alice.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "the pipeline is released");
    }

    [Theory]
    [InlineData(NodeEnd.Killed)]
    [InlineData(NodeEnd.Stopped)] // SIGTERM, as a rolling restart: the node hands its calls over rather than ending them
    public async Task Bob_s_node_killed_or_stopped_mid_call_leaves_alice_s_call_up_and_bob_resumes_through_the_load_balancer_and_hangs_up(NodeEnd end)
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await ConnectAsync(alice, bob);
        var token = bob.ResumeToken;

        await EndAsync(Cluster.B, end);
        await Eventually.TrueAsync(() => bob.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected, "bob's connection went with node B");

        await using var bobAgain = await ConnectThroughTheLoadBalancerAsync();
        var resumed = await bobAgain.ResumeAsync("bob", token);
        resumed.Response.Should().Be(Responses.Accepted, $"alice's node holds bob's place in the call: {resumed.Message}");
        resumed.ResumedCallWith.Should().Be("alice");
        alice.Drain().OfType<StopCommunication>().Should().BeEmpty("alice's call was never ended");

        await bobAgain.StopAsync();
        (await alice.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "the pipeline is released");
        // Until B is declared dead the name's claim may be out of reach (server-busy); then it is bob's, on A.
        await using var other = await SignalingClient.ConnectAsync(Cluster.A.HubUri);
        var taken = await RegisterWhileAsync(other, "BOB", reason => reason == Reasons.ServerBusy);
        taken.Reason.Should().Be(Reasons.NameTaken, "bob is registered on node A now");
    }

    [Fact]
    public async Task Bob_s_node_killed_mid_call_and_bob_never_back_ends_alice_s_call_as_peer_disconnected_after_the_window()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await ConnectAsync(alice, bob);

        await Cluster.B.KillAsync();

        // Node B is declared dead within seconds (Cluster:Membership here), then the 5 s window runs.
        (await alice.WaitForAsync<PeerReconnecting>(TimeSpan.FromSeconds(30))).Message.Peer.Should().Be("bob");
        (await alice.WaitForAsync<StopCommunication>(TimeSpan.FromSeconds(30))).Message.Reason.Should().Be(Reasons.PeerDisconnected);
        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "the pipeline is released");
        await using var other = await SignalingClient.ConnectAsync(Cluster.A.HubUri);
        // The name is freed as the call ends, in the background: a moment after the end is heard at the latest.
        (await RegisterWhileAsync(other, "bob", reason => reason == Reasons.NameTaken)).Response.Should().Be(Responses.Accepted, "bob's name went with the window");
    }

    [Theory]
    [InlineData(NodeEnd.Killed)]
    [InlineData(NodeEnd.Stopped)]
    public async Task Alice_s_node_killed_or_stopped_mid_call_the_call_goes_on_at_bob_s_node_alice_resumes_there_and_the_pipeline_is_released_once(NodeEnd end)
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await ConnectAsync(alice, bob);
        var token = alice.ResumeToken;
        var pipelines = await Cluster.PipelinesAsync();
        pipelines.Should().ContainSingle();

        // The call lived on A. Once the cluster declares A dead, bob's node takes it over from its record: bob hears that
        // alice is reconnecting, not that the call ended.
        await EndAsync(Cluster.A, end);
        (await bob.WaitForAsync<PeerReconnecting>(TimeSpan.FromSeconds(30))).Message.Peer.Should().Be("alice");

        await using var aliceAgain = await ConnectThroughTheLoadBalancerAsync();
        var resumed = await aliceAgain.ResumeAsync("alice", token);
        resumed.Response.Should().Be(Responses.Accepted, $"bob's node holds alice's place in the call: {resumed.Message}");
        resumed.ResumedCallWith.Should().Be("bob");

        // Her page offers again, on the endpoint the dead node made: the media server answers through bob's node.
        await aliceAgain.RenegotiateAsync(RecordedOffer);
        (await aliceAgain.WaitForAsync<Renegotiated>()).Message.SdpAnswer.Should().Contain("a=ice-ufrag");
        bob.Drain().OfType<StopCommunication>().Should().BeEmpty("bob's call was never ended");
        (await Cluster.PipelinesAsync()).Should().Equal(pipelines, "the call's pipeline carried it throughout");

        await aliceAgain.StopAsync();
        (await bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "the pipeline is released");
        await using var carol = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "carol");
        await bob.CallAsync("carol", RecordedOffer);
        (await carol.WaitForAsync<IncomingCall>()).Message.From.Should().Be("bob", "bob is free to call again");
    }

    [Fact]
    public async Task A_call_whose_both_pages_were_on_the_killed_node_is_taken_over_and_both_resume_through_the_load_balancer()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "bob");
        await ConnectAsync(alice, bob);
        var (aliceToken, bobToken) = (alice.ResumeToken, bob.ResumeToken);
        var pipelines = await Cluster.PipelinesAsync();

        await Cluster.A.KillAsync();

        // Node B, the only one left, takes the call over once A is declared dead (seconds here); until then the pages' tokens
        // are unknown there.
        await using var aliceAgain = await ConnectThroughTheLoadBalancerAsync();
        // Until then B cannot reach A (unavailable); in the moment between A's death and B holding the call, nobody holds
        // the token (resume-expired, which a page could only answer by registering afresh: a window the note names).
        var resumed = await ResumeWhileAsync(aliceAgain, "alice", aliceToken, reason => reason is Reasons.Unavailable or Reasons.ResumeExpired);
        resumed.Response.Should().Be(Responses.Accepted, $"node B took the call over: {resumed.Message}");
        resumed.ResumedCallWith.Should().Be("bob");
        await using var bobAgain = await ConnectThroughTheLoadBalancerAsync();
        var bobResumed = await bobAgain.ResumeAsync("bob", bobToken);
        bobResumed.Response.Should().Be(Responses.Accepted, bobResumed.Message);
        bobResumed.ResumedCallWith.Should().Be("alice");

        await bobAgain.RenegotiateAsync(RecordedOffer);
        (await bobAgain.WaitForAsync<Renegotiated>()).Message.SdpAnswer.Should().Contain("a=ice-ufrag");
        (await Cluster.PipelinesAsync()).Should().Equal(pipelines, "the call's pipeline carried it throughout");

        await bobAgain.StopAsync();
        (await aliceAgain.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "the pipeline is released");
    }

    [Fact]
    public async Task Alice_s_node_killed_mid_call_and_alice_never_back_ends_bob_s_taken_over_call_as_peer_disconnected_after_the_window()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await ConnectAsync(alice, bob);

        await Cluster.A.KillAsync();

        (await bob.WaitForAsync<PeerReconnecting>(TimeSpan.FromSeconds(30))).Message.Peer.Should().Be("alice");
        (await bob.WaitForAsync<StopCommunication>(TimeSpan.FromSeconds(30))).Message.Reason.Should().Be(Reasons.PeerDisconnected);
        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "the pipeline is released");
        await using var other = await SignalingClient.ConnectAsync(Cluster.B.HubUri);
        // The name is freed as the call ends, in the background: a moment after the end is heard at the latest.
        (await RegisterWhileAsync(other, "alice", reason => reason == Reasons.NameTaken)).Response.Should().Be(Responses.Accepted, "alice's name went with the window");
    }

    [Fact]
    public async Task Alice_s_node_killed_while_bob_s_phone_rings_ends_the_ring_for_bob_and_his_node_releases_its_pipeline_at_once()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await alice.CallAsync("bob", RecordedOffer);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice");

        await Cluster.A.KillAsync();

        // A call still ringing is not recorded and cannot outlive its home. B tells bob as soon as the cluster declares A
        // dead, and releases the reserved pipeline itself rather than leaving it to the media server's session collection.
        var ended = (await bob.WaitForAsync<StopCommunication>(TimeSpan.FromSeconds(30))).Message;
        ended.Reason.Should().Be(Reasons.ServerShutdown);
        ended.Message.Should().Contain("alice");
        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "bob's node released the call's pipeline");
        await using var carol = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "carol");
        await bob.CallAsync("carol", RecordedOffer);
        (await carol.WaitForAsync<IncomingCall>()).Message.From.Should().Be("bob", "bob is free to call again");
    }

    [Fact]
    public async Task Who_is_online_spans_both_nodes_and_a_killed_node_s_people_go_offline_for_the_other_s_pages()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        (await alice.ExpectPresenceAsync<OnlineUserList>()).Names.Should().BeEmpty();
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange("bob", true));

        await Cluster.B.KillAsync();

        (await alice.ExpectPresenceAsync<PresenceChange>(TimeSpan.FromSeconds(30))).Should().Be(new PresenceChange("bob", false),
            "node B was declared dead, and its names with it");
    }

    [Fact]
    public async Task A_killed_node_s_people_come_back_through_the_load_balancer_under_their_own_names_and_the_other_node_s_are_untouched()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var carol = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "carol");
        var token = alice.ResumeToken;

        await Cluster.A.KillAsync();
        await Eventually.TrueAsync(() => alice.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected, "alice's connection went with node A");

        // What alice's page does (the SDK's Softphone): connect again through the load balancer, which no longer sends
        // anyone to A; resume with the token, asked again while A cannot be reached but is not declared dead yet
        // ("unavailable"), and for the reconnect window after it is (a node may be taking A's calls over and about to
        // hold alice's place: B cannot tell an idle page from one in a call another node takes over); then no node holds
        // it (B never knew it, A is dead), and the page registers its name afresh.
        await using var aliceAgain = await ConnectThroughTheLoadBalancerAsync();
        await Eventually.TrueAsync(() => Cluster.B.Log.Contains("left the cluster", StringComparison.Ordinal), "node B saw A declared dead");
        var justAfter = await aliceAgain.ResumeAsync("alice", token);
        justAfter.Reason.Should().Be(Reasons.Unavailable, "A died a moment ago: a node may still be taking its calls over");
        var resumed = await ResumeWhileAsync(aliceAgain, "alice", token, reason => reason == Reasons.Unavailable);
        resumed.Reason.Should().Be(Reasons.ResumeExpired, "node B never held alice's registration, A is dead, and the window has passed");
        await RegisterOnceTheDeadNodeIsDeclaredAsync(aliceAgain, "alice");

        await using var other = await SignalingClient.ConnectAsync(Cluster.LoadBalancedHubUri);
        (await other.RegisterAsync("ALICE")).Reason.Should().Be(Reasons.NameTaken, "alice holds it again, on node B");
        (await other.RegisterAsync("CAROL")).Reason.Should().Be(Reasons.NameTaken, "carol on node B never noticed");
        carol.State.Should().Be(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected);
    }

    /// <summary>Alice calls bob with Chromium's recorded offer and he accepts with it; both get the media server's answers.</summary>
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
                return await SignalingClient.ConnectAsync(Cluster.LoadBalancedHubUri);
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    /// <summary>
    /// Resumes while the answer's reason is one the dying node causes (by default: the node holding the page's registration
    /// cannot be reached yet), after the delays the SDK's Softphone waits (a minute in 8 tries: within the node's limit
    /// on registrations, which a busy machine's slower death declaration would exceed at one try a second).
    /// </summary>
    private static async Task<RegisterResponse> ResumeWhileAsync(SignalingClient client, string name, string? token, Func<string?, bool>? settling = null)
    {
        settling ??= reason => reason == Reasons.Unavailable;
        RegisterResponse answer;
        var delays = new Queue<int>([1, 2, 3, 5, 8, 10, 10, 10, 12]);
        while (settling((answer = await client.ResumeAsync(name, token)).Reason) && delays.TryDequeue(out var seconds))
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds));
        }

        return answer;
    }

    /// <summary>
    /// Registers <paramref name="name"/>, taken until the cluster declares its dead holder dead (and refused as server-busy
    /// while the claim's grain cannot be reached).
    /// </summary>
    private static async Task RegisterOnceTheDeadNodeIsDeclaredAsync(SignalingClient client, string name)
    {
        var answer = await RegisterWhileAsync(client, name, reason => reason is Reasons.NameTaken or Reasons.ServerBusy);
        answer.Response.Should().Be(Responses.Accepted, $"{name}'s name, held by a dead node, is theirs again: {answer.Message}");
    }

    /// <summary>
    /// Registers <paramref name="name"/> again while the refusal's reason is one the dying node causes: once a second (the
    /// node's shipped limit allows 10 registrations a minute per connection), for at most 45 s. Returns the last answer.
    /// </summary>
    private static async Task<RegisterResponse> RegisterWhileAsync(SignalingClient client, string name, Func<string?, bool> settling)
    {
        RegisterResponse answer;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        while (settling((answer = await client.RegisterAsync(name)).Reason) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return answer;
    }

    [Fact]
    public async Task The_last_node_stopped_ends_its_calls_and_releases_their_pipelines_since_nobody_can_take_them_over()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "bob");
        await ConnectAsync(alice, bob);
        (await Cluster.PipelinesAsync()).Should().ContainSingle();

        await Cluster.B.StopAsync();
        await Cluster.A.StopAsync();

        await Eventually.TrueAsync(async () => (await Cluster.PipelinesAsync()).Count == 0, "the last node up released its call's pipeline");
        (await Cluster.StoredCallRecordsAsync()).Should().Be(0, "and forgot its record");
    }

    public enum NodeEnd
    {
        Killed,
        Stopped,
    }

    private static Task EndAsync(AppNodeProcess node, NodeEnd end) => end == NodeEnd.Killed ? node.KillAsync() : node.StopAsync();
}
