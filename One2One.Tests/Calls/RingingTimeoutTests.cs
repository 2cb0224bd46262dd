using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>The ringing timeout, on one node.</summary>
public sealed class RingingTimeoutTests : RingingTimeoutScenarios<OneNode>;

/// <summary>
/// An unanswered call ends after <c>Calls:RingingTimeout</c>, on the clock of the node the call lives on. Each person
/// connects where <typeparamref name="TLayout"/> puts them: on one node, or on two of a cluster (<c>RingingTimeoutAcrossNodesTests</c>).
/// </summary>
public abstract class RingingTimeoutScenarios<TLayout> : IAsyncLifetime
    where TLayout : INodeLayout
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch);
    private IScenarioNodes _nodes = null!;

    public async Task InitializeAsync() =>
        _nodes = await TLayout.StartAsync(() => new One2OneServerFactory { CallClock = _clock, RingingTimeout = Timeout });

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    private Task<SignalingClient> RegisteredAsync(string person) => SignalingClient.RegisteredAsync(_nodes.NodeOf(person).HubUri, person);

    [Fact]
    public async Task An_unanswered_call_ends_with_no_answer_on_both_sides()
    {
        await using var alice = await RegisteredAsync("alice");
        await using var bob = await RegisteredAsync("bob");
        await using var carol = await RegisteredAsync("carol");
        await alice.CallAsync("bob", "v=0\r\n");
        await bob.ExpectAsync<IncomingCall>();

        _clock.Advance(Timeout - TimeSpan.FromSeconds(1));
        await carol.CallAsync("bob", "v=0\r\n");
        (await carol.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Busy, "one second before the timeout Bob's phone still rings");

        _clock.Advance(TimeSpan.FromSeconds(1));

        var callerSees = await alice.ExpectAsync<CallResponse>();
        callerSees.Response.Should().Be(Responses.Rejected);
        callerSees.Reason.Should().Be(Reasons.NoAnswer);
        callerSees.Message.Should().Contain("did not answer");
        var calleeSees = await bob.ExpectAsync<StopCommunication>();
        calleeSees.Reason.Should().Be(Reasons.NoAnswer);

        var lateAccept = () => bob.AcceptAsync("alice", "v=0\r\n");
        await lateAccept.Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>();
        await carol.CallAsync("bob", "v=0\r\n");
        await bob.ExpectAsync<IncomingCall>();
    }

    [Fact]
    public async Task An_answered_call_does_not_time_out()
    {
        await using var alice = await RegisteredAsync("alice");
        await using var bob = await RegisteredAsync("bob");
        await alice.CallAsync("bob", "v=0\r\n");
        await bob.ExpectAsync<IncomingCall>();
        await bob.RejectAsync("alice");
        (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Declined);

        _clock.Advance(Timeout * 2);

        await alice.CallAsync("bob", "v=0\r\n");
        await bob.ExpectAsync<IncomingCall>();
        alice.Drain().Should().BeEmpty("the first call's timer was stopped when it was declined");
    }
}
