using Microsoft.AspNetCore.SignalR;
using One2One.Server.Contracts;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>Everything that happens before a call is accepted, on one node.</summary>
public sealed class RingingTests(One2OneServerFixture server) : RingingScenarios, IClassFixture<One2OneServerFixture>
{
    protected override One2OneServerFactory NodeOf(string person) => server.Factory;

    protected override void Track(params SignalingClient[] clients) => server.Track(clients);
}

/// <summary>
/// Everything that happens before a call is accepted: no media is involved yet. Each person connects to the node
/// <see cref="NodeOf"/> gives them: the same scenarios run on one node (<see cref="RingingTests"/>) and with the caller and
/// the callee on different nodes of a cluster (<c>RingingAcrossNodesTests</c>).
/// </summary>
public abstract class RingingScenarios
{
    private const string AnyOffer = "v=0\r\n";

    /// <summary>The node <paramref name="person"/> (alice, bob, carol, mallory) connects to.</summary>
    protected abstract One2OneServerFactory NodeOf(string person);

    /// <summary>Clients disposed after the class's tests.</summary>
    protected abstract void Track(params SignalingClient[] clients);

    [Fact]
    public async Task The_callee_is_told_who_is_calling()
    {
        var (alice, bob) = await RegisterPairAsync();

        await alice.CallAsync(bob.Name, AnyOffer);

        (await bob.ExpectAsync<IncomingCall>()).Should().Be(new IncomingCall(alice.Name!));
    }

    [Fact]
    public async Task Calling_an_unknown_user_is_rejected_with_a_reason()
    {
        await using var alice = await SignalingClient.RegisteredAsync(NodeOf("alice"), Names.Unique("alice"));

        await alice.CallAsync("nobody-by-this-name", AnyOffer);

        var response = await alice.ExpectAsync<CallResponse>();
        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(Reasons.UnknownUser);
        response.Message.Should().Contain("nobody-by-this-name");
    }

    [Fact]
    public async Task A_name_written_right_to_left_is_isolated_in_the_server_s_words_so_the_sentence_reads_in_order()
    {
        var avi = Names.Unique("\u05D0\u05D1\u05D9"); // אבי-7
        await using var alice = await SignalingClient.RegisteredAsync(NodeOf("alice"), Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(NodeOf("bob"), avi);
        Track(alice, bob);

        await alice.CallAsync(avi, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();
        await bob.RejectAsync(alice.Name!);

        var declined = await alice.ExpectAsync<CallResponse>();
        declined.Reason.Should().Be(Reasons.Declined);
        declined.Message.Should().Be($"\u2068{avi}\u2069 declined the call.");
        await using var impostor = await SignalingClient.ConnectAsync(NodeOf("alice"));
        (await impostor.RegisterAsync(avi)).Message.Should().Be($"The name \u2068{avi}\u2069 is already taken.");
    }

    [Fact]
    public async Task Calling_yourself_is_rejected_with_a_reason()
    {
        await using var alice = await SignalingClient.RegisteredAsync(NodeOf("alice"), Names.Unique("alice"));

        await alice.CallAsync(alice.Name!.ToUpperInvariant(), AnyOffer);

        var response = await alice.ExpectAsync<CallResponse>();
        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(Reasons.SelfCall);
    }

    [Fact]
    public async Task A_call_without_an_offer_fails_clearly()
    {
        var (alice, bob) = await RegisterPairAsync();

        var call = () => alice.CallAsync(bob.Name, " ");

        (await call.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("SDP offer");
    }

    [Fact]
    public async Task A_rejected_call_tells_the_caller_and_frees_both()
    {
        var (alice, bob) = await RegisterPairAsync();
        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();

        await bob.RejectAsync(alice.Name!);

        var response = await alice.ExpectAsync<CallResponse>();
        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(Reasons.Declined);
        response.Message.Should().Contain(bob.Name);

        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();
    }

    [Fact]
    public async Task A_name_spelt_another_way_that_looks_the_same_reaches_its_holder_both_ways()
    {
        // Registered composed ("é" as one character); the page of the other side may hold it decomposed ("e" and an accent),
        // as text pasted from another app often is.
        var alice = await SignalingClient.RegisteredAsync(NodeOf("alice"), Names.Unique("Ren\u00E9e"));
        var bob = await SignalingClient.RegisteredAsync(NodeOf("bob"), Names.Unique("Zo\u00EB"));
        Track(alice, bob);

        await alice.CallAsync(Decomposed(bob.Name!), AnyOffer);
        (await bob.ExpectAsync<IncomingCall>()).From.Should().Be(alice.Name);
        await bob.RejectAsync(Decomposed(alice.Name!));

        var response = await alice.ExpectAsync<CallResponse>();
        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(Reasons.Declined, "the answer names the caller, however it is spelt");
    }

    private static string Decomposed(string name) => name.Normalize(System.Text.NormalizationForm.FormD);

    [Fact]
    public async Task A_ringing_user_is_busy_and_is_not_disturbed()
    {
        var (alice, bob) = await RegisterPairAsync();
        await using var carol = await SignalingClient.RegisteredAsync(NodeOf("carol"), Names.Unique("carol"));
        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();

        await carol.CallAsync(bob.Name, AnyOffer);

        var response = await carol.ExpectAsync<CallResponse>();
        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(Reasons.Busy);

        // Bob's next message is about Alice's call, not Carol's: he was never disturbed.
        await alice.StopAsync();
        (await bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.Cancelled);
    }

    [Fact]
    public async Task A_caller_who_is_ringing_cannot_place_a_second_call()
    {
        var (alice, bob) = await RegisterPairAsync();
        await using var carol = await SignalingClient.RegisteredAsync(NodeOf("carol"), Names.Unique("carol"));
        await alice.CallAsync(bob.Name, AnyOffer);

        var second = () => alice.CallAsync(carol.Name, AnyOffer);

        (await second.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("already in a call");
    }

    [Fact]
    public async Task The_caller_can_cancel_while_ringing()
    {
        var (alice, bob) = await RegisterPairAsync();
        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();

        await alice.StopAsync();

        var stop = await bob.ExpectAsync<StopCommunication>();
        stop.Reason.Should().Be(Reasons.Cancelled);
        stop.Message.Should().Contain(alice.Name);
        await AcceptFailsAsync(bob, alice.Name!, "no incoming call");
    }

    [Fact]
    public async Task The_callee_hanging_up_while_ringing_declines()
    {
        var (alice, bob) = await RegisterPairAsync();
        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();

        await bob.StopAsync();

        (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Declined);
    }

    [Fact]
    public async Task A_spoofed_from_is_rejected_and_the_real_call_keeps_ringing()
    {
        var (alice, bob) = await RegisterPairAsync();
        await using var mallory = await SignalingClient.RegisteredAsync(NodeOf("mallory"), Names.Unique("mallory"));
        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();

        // Mallory tries to accept (or reject) Alice's call to Bob; Bob names the wrong caller.
        await AcceptFailsAsync(mallory, alice.Name!, "no incoming call");
        var rejectForBob = () => mallory.RejectAsync(alice.Name!);
        await rejectForBob.Should().ThrowAsync<HubException>();
        await AcceptFailsAsync(bob, mallory.Name!, "no incoming call");

        // Still ringing: Bob can decline it properly and only then does Alice hear about it.
        await bob.RejectAsync(alice.Name!);
        (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Declined);
        mallory.Drain().Should().BeEmpty();
    }

    [Fact]
    public async Task Accepting_when_no_call_was_offered_fails_clearly()
    {
        var (alice, bob) = await RegisterPairAsync();

        await AcceptFailsAsync(bob, alice.Name!, "no incoming call");
        var wrongAnswer = () => bob.AnswerAsync(alice.Name, "maybe", AnyOffer);
        await wrongAnswer.Should().ThrowAsync<HubException>();
    }

    [Fact]
    public async Task The_caller_cannot_accept_its_own_call()
    {
        var (alice, bob) = await RegisterPairAsync();
        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();

        await AcceptFailsAsync(alice, alice.Name!, "no incoming call");
        await AcceptFailsAsync(alice, bob.Name!, "no incoming call");
    }

    [Fact]
    public async Task An_unknown_answer_keeps_the_call_ringing()
    {
        var (alice, bob) = await RegisterPairAsync();
        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();

        var answer = () => bob.AnswerAsync(alice.Name, "perhaps", AnyOffer);
        (await answer.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("accept");
        var acceptWithoutOffer = () => bob.AnswerAsync(alice.Name, CallAnswers.Accept, null);
        (await acceptWithoutOffer.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("SDP offer");

        await bob.RejectAsync(alice.Name!);
        (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Declined);
    }

    [Fact]
    public async Task The_callee_leaving_while_ringing_rejects_the_call()
    {
        var (alice, bob) = await RegisterPairAsync();
        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();

        await bob.DisconnectAsync();

        var response = await alice.ExpectAsync<CallResponse>();
        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(Reasons.PeerDisconnected);
    }

    [Fact]
    public async Task The_caller_leaving_while_ringing_withdraws_the_call()
    {
        var (alice, bob) = await RegisterPairAsync();
        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();

        await alice.DisconnectAsync();

        (await bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.PeerDisconnected);
        await AcceptFailsAsync(bob, alice.Name!, "no incoming call");
    }

    [Fact]
    public async Task Stop_without_a_call_does_nothing()
    {
        var (alice, bob) = await RegisterPairAsync();

        await alice.StopAsync();

        await alice.CallAsync(bob.Name, AnyOffer);
        await bob.ExpectAsync<IncomingCall>();
        alice.Drain().Should().BeEmpty();
    }

    [Fact]
    public async Task A_candidate_without_a_call_or_malformed_fails_clearly()
    {
        var (alice, bob) = await RegisterPairAsync();
        var candidate = new IceCandidateInit("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "0", 0);

        var noCall = () => alice.SendCandidateAsync(candidate);
        (await noCall.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("no call");

        await alice.CallAsync(bob.Name, AnyOffer);
        var noMid = () => alice.SendCandidateAsync(candidate with { SdpMid = null, SdpMLineIndex = null });
        (await noMid.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("malformed");
        var huge = () => alice.SendCandidateAsync(candidate with { Candidate = new string('x', 5000) });
        await huge.Should().ThrowAsync<HubException>();
        await alice.SendCandidateAsync(new IceCandidateInit("", "0", 0));
        await alice.SendCandidateAsync(candidate);
    }

    private static async Task AcceptFailsAsync(SignalingClient client, string from, string expected)
    {
        var accept = () => client.AcceptAsync(from, AnyOffer);
        (await accept.Should().ThrowAsync<HubException>()).Which.Message.Should().ContainEquivalentOf(expected);
    }

    private async Task<(SignalingClient Alice, SignalingClient Bob)> RegisterPairAsync()
    {
        var alice = await SignalingClient.RegisteredAsync(NodeOf("alice"), Names.Unique("alice"));
        var bob = await SignalingClient.RegisteredAsync(NodeOf("bob"), Names.Unique("bob"));
        Track(alice, bob);
        return (alice, bob);
    }
}
