using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Media;
using One2One.Server.Signaling;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>The call's state machine on its own: transitions that races between its events can reach.</summary>
public sealed class CallStateMachineTests
{
    [Fact]
    public void A_ringing_timeout_that_fires_as_the_call_is_accepted_does_not_end_it()
    {
        var call = RingingCall();
        call.TryAccept().Should().BeTrue();

        // The timer callback had already fired when TryAccept disposed it: it now tries to end the call.
        var ended = call.TryEnd((_, _) => { }, onlyIfRinging: true);

        ended.Should().BeFalse();
        call.State.Should().Be(CallState.Connecting);
    }

    [Fact]
    public void A_ringing_timeout_ends_a_call_still_ringing_exactly_once()
    {
        var call = RingingCall();
        var notified = 0;

        call.TryEnd((_, _) => notified++, onlyIfRinging: true).Should().BeTrue();
        call.TryEnd((_, _) => notified++).Should().BeFalse();

        notified.Should().Be(1);
        call.State.Should().Be(CallState.Ended);
        call.EndedToken.IsCancellationRequested.Should().BeTrue();
    }

    [Fact]
    public void Nothing_leaves_ended_and_an_answer_is_not_delivered_after_the_end()
    {
        var call = RingingCall();
        call.TryAccept().Should().BeTrue();
        call.TryEnd((_, _) => { }).Should().BeTrue();

        call.TryAccept().Should().BeFalse();
        call.TryMarkInCall().Should().BeFalse();
        call.TryDeliverAnswer(CallSide.Caller, () => throw new InvalidOperationException("delivered after the end")).Should().BeFalse();
        call.TryPostWhileLive(() => throw new InvalidOperationException("posted after the end")).Should().BeFalse();
    }

    [Fact]
    public void A_call_being_placed_cannot_be_accepted_and_a_call_that_ended_while_placed_never_rings()
    {
        var call = NewCall();
        var alerted = false;

        call.TryAccept().Should().BeFalse("the callee has not been alerted");
        call.TryEnd((previous, _) => previous.Should().Be(CallState.Placing)).Should().BeTrue();
        call.TryStartRinging(() => alerted = true, new FakeTimeProvider(), TimeSpan.FromSeconds(30), _ => { }).Should().BeFalse();

        alerted.Should().BeFalse();
    }

    [Fact]
    public void A_longer_window_replaces_a_side_s_reconnect_window_however_the_wall_clock_was_stepped_meanwhile()
    {
        // A side's media path is lost (a 15 s window), the server's clock is stepped back a minute, then the page's connection
        // drops (a 35 s window, extending): the call must wait for the longer window, not end 15 s after the path was lost.
        var clock = new SteppedWallClock();
        var call = InCallCall(clock);
        var closed = new List<object>();
        call.TryBeginReconnect(CallSide.Callee, clock, TimeSpan.FromSeconds(15), (_, _, window) => closed.Add(window), () => { }).Should().BeTrue();
        clock.Fake.Advance(TimeSpan.FromSeconds(1));
        clock.Step = TimeSpan.FromMinutes(-1);

        call.TryBeginReconnect(CallSide.Callee, clock, TimeSpan.FromSeconds(35), (_, _, window) => closed.Add(window), () => { }, extend: true);
        clock.Fake.Advance(TimeSpan.FromSeconds(16));

        closed.Should().BeEmpty("the 35 s window replaced the 15 s one");
        clock.Fake.Advance(TimeSpan.FromSeconds(20));
        closed.Should().ContainSingle("the 35 s window closes once").Which.Should().Match(window => call.IsReconnecting(CallSide.Callee, window));
    }

    [Fact]
    public void A_shorter_window_does_not_replace_a_side_s_reconnect_window_however_the_wall_clock_was_stepped_meanwhile()
    {
        var clock = new SteppedWallClock();
        var call = InCallCall(clock);
        var closed = new List<object>();
        call.TryBeginReconnect(CallSide.Callee, clock, TimeSpan.FromSeconds(35), (_, _, window) => closed.Add(window), () => { }).Should().BeTrue();
        clock.Fake.Advance(TimeSpan.FromSeconds(1));
        clock.Step = TimeSpan.FromMinutes(1);

        call.TryBeginReconnect(CallSide.Callee, clock, TimeSpan.FromSeconds(15), (_, _, window) => closed.Add(window), () => { }, extend: true);
        clock.Fake.Advance(TimeSpan.FromSeconds(16));

        closed.Should().BeEmpty("the 35 s window, which ends later, stays");
        clock.Fake.Advance(TimeSpan.FromSeconds(20));
        closed.Should().ContainSingle();
    }

    /// <summary>A call in progress (answers delivered), its timers on <paramref name="clock"/>.</summary>
    private static Call InCallCall(TimeProvider clock)
    {
        var call = NewCall();
        call.TryStartRinging(() => { }, clock, TimeSpan.FromMinutes(10), _ => { }).Should().BeTrue();
        call.TryAccept().Should().BeTrue();
        call.TryMarkInCall().Should().BeTrue();
        return call;
    }

    private static Call NewCall()
    {
        var hub = new NullHubContext();
        var caller = new User("alice", "c1", new ClientOutbox(hub, "c1", 16, _ => { }, NullLogger.Instance));
        var callee = new User("bob", "c2", new ClientOutbox(hub, "c2", 16, _ => { }, NullLogger.Instance));
        return new Call(caller, callee, "v=0", c => new CallMediaSession(c.Id, null!, null!, null!, 10, TimeProvider.System, NullLogger.Instance));
    }

    /// <summary>A call whose media is reserved and which rings (on a clock that never fires).</summary>
    private static Call RingingCall()
    {
        var call = NewCall();
        call.TryStartRinging(() => { }, new FakeTimeProvider(), TimeSpan.FromSeconds(30), _ => { }).Should().BeTrue();
        return call;
    }

    private sealed class NullHubContext : IHubContext<One2OneHub, IOne2OneClient>
    {
        public IHubClients<IOne2OneClient> Clients { get; } = new NullClients();

        public IGroupManager Groups => throw new NotSupportedException();

        private sealed class NullClients : IHubClients<IOne2OneClient>
        {
            public IOne2OneClient All => throw new NotSupportedException();

            public IOne2OneClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

            public IOne2OneClient Client(string connectionId) => null!;

            public IOne2OneClient Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();

            public IOne2OneClient Group(string groupName) => throw new NotSupportedException();

            public IOne2OneClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();

            public IOne2OneClient Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();

            public IOne2OneClient User(string userId) => throw new NotSupportedException();

            public IOne2OneClient Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();
        }
    }
}
