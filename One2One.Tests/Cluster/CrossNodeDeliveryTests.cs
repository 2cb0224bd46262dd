using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Calls;
using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Tests.Calls;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// What a call's home (alice's node A) sends bob's page on node B when the link between the nodes falters: a batch that
/// failed is sent again, later ones wait behind it, a batch that arrived twice reaches the page once, and a late batch of
/// a call bob has moved on from does not reach his next call. Real nodes over a real Redis; the faults are made by an
/// Orleans call filter on the way out of A (<see cref="SlowDeliveries"/>), as a dropped connection between nodes would.
/// </summary>
public sealed class CrossNodeDeliveryTests() : ScriptedTwoNodeTests(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200))
{
    [Fact]
    public async Task An_answer_that_failed_to_reach_bob_s_node_is_sent_again_and_still_comes_before_his_first_candidate()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        Media.When(r => r.IsInvoke("processOffer") && ScriptedCall.OfferOf(r) == ScriptedCall.CalleeOffer, ScriptedReply.Hold, times: 1);
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await bob.ExpectAsync<IncomingCall>();
        await bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        var held = await Media.WaitForHeldAsync(1);
        await Media.PushCandidateAsync(held[0].Request.Param("object")!, "candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host");

        // The answer's first two tries are lost on the way to B; the candidate is posted right behind it.
        Deliveries.FailNext(2);
        await Media.ReleaseAsync(held);

        (await bob.NextAsync()).Should().BeOfType<StartCommunication>("the answer was sent again, and the candidate waited behind it");
        (await bob.NextAsync()).Should().BeOfType<IceCandidate>();
        (await alice.ExpectAsync<CallResponse>()).Response.Should().Be(Responses.Accepted);
    }

    [Fact]
    public async Task A_join_whose_answer_was_lost_refuses_the_call_and_leaves_bob_free_to_be_called_again()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        Deliveries.Method = nameof(INodeLink.JoinCall);
        Deliveries.LoseAnswerOfNext(1);

        await alice.CallAsync("bob", ScriptedCall.CallerOffer);

        (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Unavailable, "A never heard that bob joined");
        Deliveries.Arrived.Should().Be(1, "the join reached bob's node; only its answer was lost");
        await Eventually.TrueAsync(() => !Users(Cluster.B).FindByName("bob")!.IsInACall, "bob's slot is freed on his node");
        bob.Drain().Should().BeEmpty("his phone never rang");
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice", "bob is free, not busy with a call that is nowhere");
    }

    [Fact]
    public async Task A_batch_whose_answer_was_lost_after_it_arrived_is_sent_again_and_bob_s_page_gets_it_once()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await bob.ExpectAsync<IncomingCall>();

        // B gets the answer's batch, and A never hears it did: A sends it again.
        var arrived = Deliveries.Arrived;
        Deliveries.LoseAnswerOfNext(1);
        await bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        (await bob.ExpectAsync<StartCommunication>()).SdpAnswer.Should().Be("answer-for-callee");
        await Eventually.TrueAsync(() => Deliveries.Arrived >= arrived + 2, "the batch reached B twice");

        var calleeEndpoint = await Media.EndpointOfAsync(ScriptedCall.CalleeOffer);
        await Media.PushCandidateAsync(calleeEndpoint, "candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host");
        (await bob.NextAsync()).Should().BeOfType<IceCandidate>("the answer sent again was passed on once (a second one would fail on the page)");
    }

    [Fact]
    public async Task The_late_end_of_a_call_bob_has_moved_on_from_does_not_end_his_next_call()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await using var carol = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "carol");
        var pipeline = await ConnectAsync(alice, bob);

        // Alice hangs up; the end's notice to B is held on the way (a stalled link).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Deliveries.HoldUntil = release.Task;
        await alice.StopAsync();
        await Eventually.TrueAsync(() => Deliveries.Held > 0, "the end's notice is on its way to bob's node");
        await Eventually.TrueAsync(() => Media.ReleasesOf(pipeline) == 1, "the call ended at its home");

        // Bob hangs up too (his page still shows the call): his slot goes, and carol, on his own node, calls him.
        await bob.StopAsync();
        await Eventually.TrueAsync(() => !Users(Cluster.B).FindByName("bob")!.IsInACall, "bob's slot goes when he hangs up");
        await carol.CallAsync("bob", ScriptedCall.CallerOffer);
        (await bob.WaitForAsync<IncomingCall>()).Message.From.Should().Be("carol");
        await bob.AcceptAsync("carol", ScriptedCall.CalleeOffer);
        await bob.ExpectAsync<StartCommunication>();
        (await carol.ExpectAsync<CallResponse>()).Response.Should().Be(Responses.Accepted);

        // Now the first call's end reaches B. Its messages name no call: passed on, it would end the call with carol.
        release.SetResult();
        Deliveries.HoldUntil = null;
        await Eventually.TrueAsync(() => Deliveries.ArrivedMessages.Contains(ClientMethod.StopCommunication), "the held end of the first call reached B, and B handled it");
        await Task.Delay(500); // for anything B passed on to reach bob's page

        bob.Drain().Should().NotContain(m => m is StopCommunication, "the end was of the call with alice");
        Users(Cluster.B).FindByName("bob")!.CurrentCall.Should().NotBeNull().And.Match<Call>(c => c.Caller.Name == "carol");

        await carol.StopAsync();
        (await bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp, "carol's hang-up is the one bob hears");
    }
}
