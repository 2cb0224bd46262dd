using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using One2One.Server.Calls;
using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Tests.Calls;
using One2One.Tests.Kurento.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>
/// Calls between people on different nodes (issue 8): alice's connection on node A, bob's on node B, over a real Redis.
/// The call lives on alice's node; bob's node decides whether he is busy and passes his page's requests on. Both nodes
/// share the scripted media server, so a test can watch the pipeline and push candidates.
/// </summary>
// Two quick retries of a failed delivery: a test that loses one for good gets there soon.
public sealed class CrossNodeCallTests() : ScriptedTwoNodeTests(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50))
{
    [Fact]
    public async Task Alice_on_A_calls_bob_on_B_both_get_their_answers_candidates_follow_answers_and_bob_hanging_up_releases_the_pipeline_once()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");

        await alice.CallAsync("BOB", ScriptedCall.CallerOffer);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice");
        await bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        (await bob.ExpectAsync<StartCommunication>()).SdpAnswer.Should().Be("answer-for-callee");
        (await alice.ExpectAsync<CallResponse>()).Should().Be(new CallResponse(Responses.Accepted, "answer-for-caller"));

        // Candidates both ways: the media server's for bob's endpoint reach bob's page on B; bob's reach his endpoint.
        var calleeEndpoint = await Media.EndpointOfAsync(ScriptedCall.CalleeOffer);
        await Media.PushCandidateAsync(calleeEndpoint, "candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host");
        (await bob.ExpectAsync<IceCandidate>()).Candidate.Candidate.Should().Contain("40000");
        await bob.SendCandidateAsync(new IceCandidateInit("candidate:7 1 UDP 2122260223 192.0.2.7 50007 typ host", "0", 0));
        (await Media.WaitForRequestAsync(r => r.IsInvoke("addIceCandidate") && r.Param("object") == calleeEndpoint))
            .Should().Match<ReceivedRequest>(r => ScriptedCall.CandidateOf(r)!.Contains("50007"));
        await bob.SetMediaStateAsync(new MediaState(Audio: false, Video: true));
        (await alice.ExpectAsync<MediaState>()).Should().Be(new MediaState(false, true));

        var pipeline = calleeEndpoint.Split('/')[0];
        await bob.StopAsync();
        (await alice.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(() => Media.ReleasesOf(pipeline) == 1, "the pipeline is released");

        // Both are free at once: bob's slot on B went free before alice heard the end.
        await bob.CallAsync("alice", ScriptedCall.CallerOffer);
        (await alice.ExpectAsync<IncomingCall>()).From.Should().Be("bob", "a call the other way lives on B");
        await alice.RejectAsync("bob");
        (await bob.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Declined);
        await Task.Delay(300);
        Media.ReleasesOf(pipeline).Should().Be(1, "exactly once");
    }

    [Fact]
    public async Task A_call_in_progress_is_recorded_in_the_cluster_s_storage_with_its_media_and_both_parties_and_forgotten_when_it_ends()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice");
        var calls = Cluster.A.Services.GetRequiredService<CallService>();
        var callId = calls.ActiveCalls.Single().Id;
        var grains = Cluster.A.Services.GetRequiredService<IGrainFactory>();
        (await grains.GetGrain<ICallRecordGrain>(callId).Read()).Should().BeNull("a call still ringing is not kept");

        await bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        await bob.ExpectAsync<StartCommunication>();
        await alice.ExpectAsync<CallResponse>();
        var callerEndpoint = await Media.EndpointOfAsync(ScriptedCall.CallerOffer);
        var calleeEndpoint = await Media.EndpointOfAsync(ScriptedCall.CalleeOffer);
        CallRecord? record = null;
        await Eventually.TrueAsync(async () => (record = await grains.GetGrain<ICallRecordGrain>(callId).Read()) is not null, "the call is recorded");

        var nodeA = Cluster.A.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var nodeB = Cluster.B.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        record!.Home.Should().Be(nodeA, "the call lives on its caller's node");
        record.PipelineId.Should().Be(calleeEndpoint.Split('/')[0]);
        record.MediaServer.Should().Be(Cluster.A.Services.GetRequiredService<One2One.Server.Media.MediaServerPool>().Members[0].Address);
        record.Caller.Should().Match<CallParty>(p => p.Name == "alice" && p.EndpointId == callerEndpoint && p.Node.Equals(nodeA));
        record.Callee.Should().Match<CallParty>(p => p.Name == "bob" && p.EndpointId == calleeEndpoint && p.Node.Equals(nodeB));
        record.Callee.ResumeKey.Should().Be(ResumeTokens.KeyOf(bob.ResumeToken!), "the record keeps the token's key, never the token");
        await Eventually.TrueAsync(async () => (await grains.GetGrain<INodeCallsGrain>(CallRecords.KeyOf(nodeA)).Take()).Contains(callId), "node A lists the call");

        await bob.StopAsync();
        await alice.ExpectAsync<StopCommunication>();
        await Eventually.TrueAsync(async () => await grains.GetGrain<ICallRecordGrain>(callId).Read() is null, "the ended call's record goes");
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("alice")]
    public async Task A_page_that_registers_again_during_a_call_has_its_new_token_s_key_kept_in_the_call_s_record(string who)
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await ConnectAsync(alice, bob);
        var callId = Cluster.A.Services.GetRequiredService<CallService>().ActiveCalls.Single().Id;
        var grains = Cluster.A.Services.GetRequiredService<IGrainFactory>();
        var page = who == "bob" ? bob : alice;

        var again = await page.RegisterAsync(who);

        again.Response.Should().Be(Responses.Accepted);
        var key = ResumeTokens.KeyOf(again.ResumeToken!);
        await Eventually.TrueAsync(async () => await grains.GetGrain<ICallRecordGrain>(callId).Read() is { } record
            && (who == "bob" ? record.Callee : record.Caller).ResumeKey == key,
            "the record keeps the key of the only token the page has now (its old one is no longer good)");
    }

    [Fact]
    public async Task The_server_candidate_held_back_until_bob_s_answer_reaches_him_after_it_across_nodes()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        Media.When(r => r.IsInvoke("processOffer") && ScriptedCall.OfferOf(r) == ScriptedCall.CalleeOffer, ScriptedReply.Hold, times: 1);
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await bob.ExpectAsync<IncomingCall>();
        await bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        var held = await Media.WaitForHeldAsync(1);

        await Media.PushCandidateAsync(held[0].Request.Param("object")!, "candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host");
        await Media.ReleaseAsync(held);

        (await bob.NextAsync()).Should().BeOfType<StartCommunication>("the answer comes first on any node");
        (await bob.NextAsync()).Should().BeOfType<IceCandidate>();
    }

    [Fact]
    public async Task Bob_busy_in_a_call_on_his_own_node_is_busy_for_alice_on_the_other_and_his_call_goes_on()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await using var carol = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "carol");
        await carol.CallAsync("bob", ScriptedCall.CallerOffer);
        await bob.ExpectAsync<IncomingCall>();

        await alice.CallAsync("bob", ScriptedCall.CallerOffer);

        (await alice.ExpectAsync<CallResponse>()).Should().Match<CallResponse>(r => r.Reason == Reasons.Busy && r.Message!.Contains("bob"));
        await bob.AcceptAsync("carol", ScriptedCall.CalleeOffer);
        await bob.ExpectAsync<StartCommunication>();
        await Eventually.TrueAsync(() => Media.RequestsOf("release").Count == 0 && Cluster.A.Calls.ActiveCallCount == 0,
            "the refused call left nothing on A");
    }

    [Fact]
    public async Task Alice_calling_bob_again_the_moment_her_last_call_to_him_failed_never_finds_him_busy_with_it()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");

        // Each call fails on A (the media server is full) right after B joined bob to it; B hears he left it in the
        // background, late here (a slow link between the nodes). Alice's next call must not reach B before that does, or
        // B finds bob still in the failed call and answers busy.
        Deliveries.Delay = TimeSpan.FromMilliseconds(300);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Media.When(r => r.Method == "create" && r.Type == "MediaPipeline", ScriptedReply.Error(40009, "NOT_ENOUGH_RESOURCES", "Not enough resources"), times: 1);
            await alice.CallAsync("bob", ScriptedCall.CallerOffer);
            (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.ServerBusy, $"attempt {attempt} reached bob's node after it heard he left the last");
        }

        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be("alice");
        bob.Drain().Should().BeEmpty("none of the failed calls rang");
    }

    [Fact]
    public async Task Bob_declining_and_alice_cancelling_end_the_ring_on_both_nodes_and_free_both()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");

        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await bob.ExpectAsync<IncomingCall>();
        await bob.RejectAsync("alice");
        (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Declined);

        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await bob.ExpectAsync<IncomingCall>();
        await alice.StopAsync();
        (await bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.Cancelled);

        await Eventually.TrueAsync(() => Cluster.A.Calls.ActiveCallCount == 0 && Users(Cluster.B).FindByName("bob")!.RemoteCall is null,
            "no call is left on either node");
        (await Media.PipelinesAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_wrong_answer_from_bob_is_refused_with_the_homes_reason_and_the_call_keeps_ringing()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await bob.ExpectAsync<IncomingCall>();

        var wrongCaller = () => bob.AcceptAsync("mallory", ScriptedCall.CalleeOffer);
        (await wrongCaller.Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>()).Which.Message.Should().Contain("no incoming call from mallory");
        var noOffer = () => bob.AnswerAsync("alice", CallAnswers.Accept, null);
        (await noOffer.Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>()).Which.Message.Should().Contain("SDP offer is required");

        await bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        await bob.ExpectAsync<StartCommunication>();
        await alice.ExpectAsync<CallResponse>();
    }

    [Fact]
    public async Task Bob_s_connection_lost_mid_call_is_reconnecting_for_alice_and_he_resumes_on_his_node_and_renegotiates()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await ConnectAsync(alice, bob);

        await bob.DisposeAsync();
        (await alice.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("bob");

        await using var bobAgain = await SignalingClient.ConnectAsync(Cluster.B.HubUri);
        var resumed = await bobAgain.ResumeAsync("bob", bob.ResumeToken);
        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().Be("alice");
        await bobAgain.RenegotiateAsync(ScriptedCall.CalleeOffer.Replace("2 2", "3 3", StringComparison.Ordinal));
        (await bobAgain.ExpectAsync<Renegotiated>()).SdpAnswer.Should().Be("answer-for-callee");

        await alice.StopAsync();
        (await bobAgain.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp);
    }

    [Fact]
    public async Task Bob_resuming_on_the_call_s_node_takes_his_registration_there_and_the_call_goes_on()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        var pipeline = await ConnectAsync(alice, bob);

        // The load balancer sent bob's new connection to A while his old one on B still looked alive.
        await using var bobOnA = await SignalingClient.ConnectAsync(Cluster.A.HubUri);
        var resumed = await bobOnA.ResumeAsync("bob", bob.ResumeToken);
        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().Be("alice");
        await Eventually.TrueAsync(() => bob.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Disconnected,
            "node B closed the connection it no longer serves");
        await using var onB = await SignalingClient.ConnectAsync(Cluster.B.HubUri);
        (await onB.RegisterAsync("bob")).Reason.Should().Be(Reasons.NameTaken, "bob is registered, on A now");

        await bobOnA.StopAsync();
        (await alice.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(() => Media.ReleasesOf(pipeline) == 1, "the pipeline is released");
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        (await bobOnA.ExpectAsync<IncomingCall>()).From.Should().Be("alice", "bob is reachable on A");
    }

    [Fact]
    public async Task Alice_whose_call_lives_on_her_node_resumes_on_the_other_node_and_the_call_goes_on_from_there()
    {
        var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        var pipeline = await ConnectAsync(alice, bob);

        await alice.DisposeAsync();
        (await bob.ExpectAsync<PeerReconnecting>()).Peer.Should().Be("alice");

        // The load balancer sends alice's page to B, which never held her registration: B asks A, the name's holder.
        await using var aliceOnB = await SignalingClient.ConnectAsync(Cluster.B.HubUri);
        var resumed = await aliceOnB.ResumeAsync("alice", alice.ResumeToken);
        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().Be("bob");
        await aliceOnB.RenegotiateAsync(ScriptedCall.CallerOffer.Replace("1 1", "4 4", StringComparison.Ordinal));
        (await aliceOnB.ExpectAsync<Renegotiated>()).SdpAnswer.Should().Be("answer-for-caller");
        Users(Cluster.A).FindByName("alice").Should().BeNull("A gave the registration up");
        (await aliceOnB.ResumeAsync("alice", alice.ResumeToken)).Reason.Should().Be(Reasons.AlreadyRegistered);
        await using var again = await SignalingClient.ConnectAsync(Cluster.A.HubUri);
        (await again.ResumeAsync("alice", alice.ResumeToken)).Reason.Should().Be(Reasons.ResumeExpired, "a token is good once");

        await bob.StopAsync();
        (await aliceOnB.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(() => Media.ReleasesOf(pipeline) == 1, "the pipeline is released");
        await alice.DisposeAsync();
    }

    [Fact]
    public async Task An_idle_page_resuming_on_the_other_node_keeps_its_name_and_is_reachable_there()
    {
        var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "bob");
        await alice.DisposeAsync();
        await Eventually.TrueAsync(() => Users(Cluster.A).FindByName("alice")?.IsDetached == true, "alice is held for a resume");

        await using var aliceOnB = await SignalingClient.ConnectAsync(Cluster.B.HubUri);
        var wrongName = await aliceOnB.ResumeAsync("carol", alice.ResumeToken);
        wrongName.Response.Should().Be(Responses.Rejected);
        var resumed = await aliceOnB.ResumeAsync("alice", alice.ResumeToken);
        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        resumed.ResumedCallWith.Should().BeNull();

        await bob.CallAsync("alice", ScriptedCall.CallerOffer);
        (await aliceOnB.ExpectAsync<IncomingCall>()).From.Should().Be("bob", "alice is registered on B now");
        await using var other = await SignalingClient.ConnectAsync(Cluster.A.HubUri);
        (await other.RegisterAsync("ALICE")).Reason.Should().Be(Reasons.NameTaken);
    }

    [Fact]
    public async Task A_ring_reaching_bob_s_old_node_just_after_his_page_moved_away_hears_he_is_reconnecting_and_rings_him_where_he_is_next()
    {
        await using var carol = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "carol");
        var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");

        // Carol's ring is held on its way out of A (a slow link) until bob's page has moved from B to A (a reload), so it
        // reaches B after B let him go. It used to be told nobody named bob is registered.
        var ringLeaves = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Deliveries.Method = nameof(INodeLink.JoinCall);
        Deliveries.HoldUntil = ringLeaves.Task;
        await carol.CallAsync("bob", ScriptedCall.CallerOffer);
        await bob.DisposeAsync();
        await Eventually.TrueAsync(() => Users(Cluster.B).FindByName("bob")?.IsDetached == true, "bob is held for a resume");
        await using var bobOnA = await SignalingClient.ConnectAsync(Cluster.A.HubUri);
        var resumed = await bobOnA.ResumeAsync("bob", bob.ResumeToken);
        resumed.Response.Should().Be(Responses.Accepted, resumed.Message);
        Users(Cluster.B).FindByName("bob").Should().BeNull("B let bob go before carol's ring reached it");
        ringLeaves.SetResult();

        var refused = (await carol.WaitForAsync<CallResponse>()).Message;
        refused.Reason.Should().Be(Reasons.Unavailable, $"bob is reconnecting, not unknown: {refused.Message}");
        Deliveries.HoldUntil = null;
        await carol.CallAsync("bob", ScriptedCall.CallerOffer);
        (await bobOnA.ExpectAsync<IncomingCall>()).From.Should().Be("carol", "bob is registered on A now");
    }

    [Fact]
    public async Task A_call_the_caller_cancels_while_the_callee_s_node_is_asked_leaves_the_active_calls_count_at_zero()
    {
        var meters = Cluster.A.Services.GetRequiredService<IMeterFactory>();
        using var started = new MetricCollector<long>(meters, "One2One", "one2one.calls.started");
        using var ended = new MetricCollector<long>(meters, "One2One", "one2one.calls.ended");
        using var active = new MetricCollector<long>(meters, "One2One", "one2one.calls.active");
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");

        // The ring to B is held on its way; alice hangs up meanwhile, then it arrives.
        var ringLeaves = await CancelWhileTheRingIsHeldAsync(alice);
        ringLeaves.SetResult();
        Deliveries.HoldUntil = null;
        await Eventually.TrueAsync(() => Deliveries.Arrived == 1, "the ring reached B");
        await Eventually.TrueAsync(() => !Users(Cluster.A).FindByName("alice")!.IsInACall, "alice is free");
        await Eventually.TrueAsync(() => !Users(Cluster.B).FindByName("bob")!.IsInACall, "bob, joined by the late ring, is let go");

        // A second call, connected and hung up, shows the counts go on from zero.
        await ConnectAsync(alice, bob);
        active.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1, "one call in progress, not none");
        await alice.StopAsync();
        await Eventually.TrueAsync(() => active.GetMeasurementSnapshot().EvaluateAsCounter() == 0, "the call ended");
        started.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(ended.GetMeasurementSnapshot().EvaluateAsCounter(),
            "every call counted as ended was counted as started");
    }

    [Fact]
    public async Task Alice_calling_bob_again_the_moment_she_cancelled_waits_for_her_first_ring_to_be_undone_and_finds_him_free()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");

        // Her first ring is held on its way to B; she hangs up meanwhile.
        var ringLeaves = await CancelWhileTheRingIsHeldAsync(alice);

        // The ring arrives and joins bob to the ended call; A undoes it, and that LeftCall is slow on its way.
        var leftCallLeaves = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Deliveries.Method = nameof(INodeLink.Deliver);
        Deliveries.HoldUntil = leftCallLeaves.Task;
        ringLeaves.SetResult();
        await Eventually.TrueAsync(() => Deliveries.Held >= 2, "the first ring's LeftCall is on its way");

        // She calls again at once. Its ring waits for the first one to be undone; it used to find bob busy with it.
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await Task.Delay(500);
        Deliveries.HoldUntil = null;
        leftCallLeaves.SetResult();

        (await bob.WaitForAsync<IncomingCall>()).Message.From.Should().Be("alice");
        alice.Drain().Should().NotContain(m => m is CallResponse, "alice was not told bob is busy");
    }

    [Fact]
    public async Task Bob_repeating_his_answer_to_a_call_homed_on_another_node_sends_it_there_once_and_is_refused_on_his_own()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        Deliveries.Method = nameof(INodeLink.Answer);
        await RingAsync(alice, bob);

        (await bob.Invoking(b => b.AcceptAsync("alice", "")).Should().ThrowAsync<HubException>()).Which.Message.Should().Contain(HubRejection.MissingOffer);
        (await bob.Invoking(b => b.AcceptAsync("mallory", ScriptedCall.CalleeOffer)).Should().ThrowAsync<HubException>())
            .Which.Message.Should().Contain(HubRejection.NoSuchCall);
        Deliveries.Arrived.Should().Be(0, "what the home would refuse is refused on bob's node");
        await bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);
        await bob.ExpectAsync<StartCommunication>();
        for (var i = 0; i < 20; i++)
        {
            (await bob.Invoking(b => b.AcceptAsync("alice", ScriptedCall.CalleeOffer)).Should().ThrowAsync<HubException>())
                .Which.Message.Should().Contain(HubRejection.NotRinging);
        }

        Deliveries.Arrived.Should().Be(1, "one accept went to alice's node; the repeats cost bob's node only");
        (await alice.WaitForAsync<CallResponse>()).Message.Response.Should().Be(Responses.Accepted);

        await bob.RejectAsync("alice");
        (await alice.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp, "a decline after the accept hangs up, as at the home");
        Deliveries.Arrived.Should().Be(2);
    }

    [Fact]
    public async Task Bobs_accept_that_could_not_reach_the_calls_node_may_be_given_again()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        await RingAsync(alice, bob);
        Deliveries.Method = nameof(INodeLink.Answer);
        Deliveries.FailNext(1);

        (await bob.Invoking(b => b.AcceptAsync("alice", ScriptedCall.CalleeOffer)).Should().ThrowAsync<HubException>())
            .Which.Message.Should().Contain(Reasons.Unavailable);
        await bob.AcceptAsync("alice", ScriptedCall.CalleeOffer);

        (await bob.WaitForAsync<StartCommunication>()).Message.SdpAnswer.Should().Be("answer-for-callee", "the second accept went through");
        (await alice.WaitForAsync<CallResponse>()).Message.Response.Should().Be(Responses.Accepted);
    }

    [Fact]
    public async Task The_undoing_of_a_late_ring_that_fails_on_its_way_is_sent_again_and_bob_can_be_called()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        var ringLeaves = await CancelWhileTheRingIsHeldAsync(alice);

        // The ring arrives and joins bob to the ended call; A's LeftCall undoing it fails once on its way.
        Deliveries.Method = nameof(INodeLink.Deliver);
        Deliveries.HoldUntil = null;
        Deliveries.FailNext(1);
        ringLeaves.SetResult();

        await Eventually.TrueAsync(() => !Users(Cluster.B).FindByName("bob")!.IsInACall, "sent again, it lets bob go (he stayed busy with a call that was nowhere)");
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        (await bob.WaitForAsync<IncomingCall>()).Message.From.Should().Be("alice", "bob is free");
    }

    [Theory]
    [InlineData("signs out")]
    [InlineData("rings and signs out")]
    public async Task Bobs_sign_out_that_fails_on_its_way_to_the_calls_node_is_sent_again_and_ends_the_call_there(string when)
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        var pipeline = when == "signs out" ? await ConnectAsync(alice, bob) : null;
        if (pipeline is null)
        {
            await RingAsync(alice, bob);
        }

        Deliveries.Method = nameof(INodeLink.Left);
        Deliveries.FailNext(1);
        await bob.UnregisterAsync();

        if (pipeline is null)
        {
            (await alice.WaitForAsync<CallResponse>()).Message.Reason.Should().Be(Reasons.Declined, "bob's leave declined the ring, not the ringing timeout");
        }
        else
        {
            (await alice.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp, "alice is not left in a call with nobody");
            await Eventually.TrueAsync(() => Media.ReleasesOf(pipeline) == 1, "the pipeline is released");
        }

        Users(Cluster.A).FindByName("alice")!.IsInACall.Should().BeFalse();
    }

    [Theory]
    [InlineData("hangs up")]
    [InlineData("mutes")]
    public async Task Bob_whose_node_never_heard_his_call_end_is_freed_when_he_next_acts_on_it_and_can_call_again(string bobAction)
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        var pipeline = await ConnectAsync(alice, bob);

        // Alice hangs up; the end's notice to bob's node (his page's StopCommunication and his slot's release) is lost, and
        // so is every try again, until bob has acted.
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Deliveries.HoldUntil = lost.Task;
        await alice.StopAsync();
        await Eventually.TrueAsync(() => Deliveries.Held > 0, "the end's notice is on its way to bob's node");
        lost.SetException(new TimeoutException("lost between the nodes"));
        await Eventually.TrueAsync(() => Media.ReleasesOf(pipeline) == 1, "the call ended at its home");
        Users(Cluster.B).FindByName("bob")!.IsInACall.Should().BeTrue("bob's node never heard the call end");

        // His page still shows the call; he hangs up, or mutes (refused: there is no call). The home no longer has the
        // call, and his slot goes.
        if (bobAction == "hangs up")
        {
            await bob.StopAsync();
        }
        else
        {
            using var rejectedOnA = new MetricCollector<long>(Cluster.A.Services.GetRequiredService<IMeterFactory>(), "One2One", "one2one.hub.rejected");
            using var rejectedOnB = new MetricCollector<long>(Cluster.B.Services.GetRequiredService<IMeterFactory>(), "One2One", "one2one.hub.rejected");
            (await FluentActions.Awaiting(() => bob.SetMediaStateAsync(new MediaState(Audio: false, Video: true))).Should().ThrowAsync<HubException>())
                .Which.Message.Should().Contain(HubRejection.NoCall);
            rejectedOnA.GetMeasurementSnapshot().Concat(rejectedOnB.GetMeasurementSnapshot()).Should().ContainSingle("the refusal is counted once, on one node")
                .Which.Tags["reason"].Should().Be(HubRejection.NoCall);
        }

        await Eventually.TrueAsync(() => !Users(Cluster.B).FindByName("bob")!.IsInACall, $"bob's slot goes when he {bobAction}");
        Deliveries.HoldUntil = null;
        await bob.CallAsync("alice", ScriptedCall.CallerOffer);
        (await alice.WaitForAsync<IncomingCall>()).Message.From.Should().Be("bob", "bob is free to call");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_resume_on_the_other_node_whose_move_answer_was_lost_is_asked_again_and_gets_the_registration(bool inCall)
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        if (inCall)
        {
            await ConnectAsync(alice, bob);
        }

        await alice.DisconnectAsync();
        Deliveries.Method = nameof(INodeLink.MoveRegistration);
        Deliveries.LoseAnswerOfNext(1);
        var arrived = Deliveries.Arrived;
        await using var onB = await SignalingClient.ConnectAsync(Cluster.B.HubUri);
        var resumed = await onB.ResumeAsync("alice", alice.ResumeToken);

        resumed.Response.Should().Be(Responses.Accepted, "B asked A again, and A answered as the first time: " + resumed.Message);
        resumed.ResumedCallWith.Should().Be(inCall ? "bob" : null);
        (Deliveries.Arrived - arrived).Should().Be(2, "the first ask arrived (its answer lost), and the second got the same answer");
        if (inCall)
        {
            await onB.StopAsync();
            (await bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp, "the resumed page hung up the call");
        }
        else
        {
            await bob.CallAsync("alice", ScriptedCall.CallerOffer);
            (await onB.WaitForAsync<IncomingCall>()).Message.From.Should().Be("bob", "alice is registered on her new page");
        }
    }

    [Fact]
    public async Task A_resume_on_the_other_node_with_a_wrong_token_is_refused_and_moves_nothing()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var onB = await SignalingClient.ConnectAsync(Cluster.B.HubUri);

        (await onB.ResumeAsync("alice", "not-" + alice.ResumeToken)).Reason.Should().Be(Reasons.ResumeExpired);

        Users(Cluster.A).FindByName("alice").Should().NotBeNull().And.Match<User>(u => !u.IsDetached);
        await alice.StopAsync();
    }

    [Fact]
    public async Task Bob_signing_out_mid_call_on_his_node_ends_it_as_a_hang_up_and_frees_his_name_at_once()
    {
        await using var alice = await SignalingClient.RegisteredAsync(Cluster.A.HubUri, "alice");
        await using var bob = await SignalingClient.RegisteredAsync(Cluster.B.HubUri, "bob");
        var pipeline = await ConnectAsync(alice, bob);

        await bob.UnregisterAsync();

        (await alice.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(() => Media.ReleasesOf(pipeline) == 1, "the pipeline is released");
        await using var other = await SignalingClient.ConnectAsync(Cluster.A.HubUri);
        (await other.RegisterAsync("bob")).Response.Should().Be(Responses.Accepted);
    }

    /// <summary>Alice calls bob with her ring held on its way to B, and hangs up meanwhile; the ring leaves when the result is set.</summary>
    private async Task<TaskCompletionSource> CancelWhileTheRingIsHeldAsync(SignalingClient alice)
    {
        var ringLeaves = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Deliveries.Method = nameof(INodeLink.JoinCall);
        Deliveries.HoldUntil = ringLeaves.Task;
        await alice.CallAsync("bob", ScriptedCall.CallerOffer);
        await Eventually.TrueAsync(() => Deliveries.Held == 1, "the ring is on its way to bob's node");
        await alice.StopAsync();
        await Task.Delay(300); // the end's own LeftCall to B (nobody there is in the call yet) goes unheld
        return ringLeaves;
    }
}
