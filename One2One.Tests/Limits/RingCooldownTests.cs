using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Tests.Support;
using static One2One.Tests.Limits.LimitedServer;

namespace One2One.Tests.Limits;

/// <summary>
/// After a ring that went unanswered (no answer, or declined) its caller may not ring that person again for
/// <c>Limits:RingAgainAfterUnanswered</c> (a minute), so no caller can keep someone's phone ringing, busy to everyone else,
/// by ringing again each time the last ring timed out. Shipped limits; a fake clock for the limits.
/// </summary>
public sealed class RingCooldownTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task A_caller_whose_ring_timed_out_cannot_ring_at_once_again_and_others_still_reach_the_callee()
    {
        await using var server = new One2OneServerFactory { ShippedLimits = true, LimitsClock = _clock }.WithSetting("Calls:RingingTimeout", "00:00:01");
        server.StartServer();
        await using var mallory = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("mallory"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        await using var carol = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("carol"), ClientSource.SecondAddress);
        await mallory.CallAsync(bob.Name, Offer);
        await bob.ExpectAsync<IncomingCall>();
        (await mallory.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.NoAnswer);
        (await bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.NoAnswer);

        await mallory.CallAsync(bob.Name, Offer);

        var refused = await mallory.ExpectAsync<CallResponse>();
        refused.Reason.Should().Be(Reasons.RateLimited, "the rings-per-minute limit alone (3) would have let this one ring");
        refused.Message.Should().Contain($"{bob.Name} did not take your last call; try again in 60 s");
        await bob.ExpectUndisturbedAsync(carol);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await mallory.RingAndCancelAsync(bob);
    }

    [Fact]
    public async Task A_declined_caller_waits_a_minute_but_may_ring_someone_else_and_a_cancelled_ring_costs_no_wait()
    {
        await using var server = Start(_clock);
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        await using var dave = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("dave"));
        await using var carol = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("carol"), ClientSource.SecondAddress);
        await alice.RingAndCancelAsync(bob);
        await alice.CallAsync(bob.Name, Offer);
        await bob.ExpectAsync<IncomingCall>();
        await bob.RejectAsync(alice.Name!);
        (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Declined);

        await alice.CallAsync(bob.Name!.ToUpperInvariant(), Offer);

        await alice.ExpectRateLimitedAsync();
        await bob.ExpectUndisturbedAsync(carol);
        await alice.RingAndCancelAsync(dave);
        _clock.Advance(TimeSpan.FromSeconds(59));
        await alice.CallAsync(bob.Name, Offer);
        (await alice.ExpectAsync<CallResponse>()).Message.Should().Contain("try again in 1 s");
        _clock.Advance(TimeSpan.FromSeconds(1));
        await alice.RingAndCancelAsync(bob);
    }

    [Fact]
    public async Task Zero_turns_the_wait_off()
    {
        await using var server = new One2OneServerFactory { ShippedLimits = true, LimitsClock = _clock }.WithSetting("Limits:RingAgainAfterUnanswered", "00:00:00");
        server.StartServer();
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        await alice.CallAsync(bob.Name, Offer);
        await bob.ExpectAsync<IncomingCall>();
        await bob.RejectAsync(alice.Name!);
        (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Declined);

        await alice.RingAndCancelAsync(bob);
    }

    [Fact]
    public async Task An_IPv6_caller_is_its_slash_48_so_the_same_caller_on_another_slash_64_waits_too_while_a_colleague_does_not()
    {
        await using var server = new One2OneServerFactory { ShippedLimits = true, LimitsClock = _clock }.WithSetting("ForwardedHeaders:KnownProxies:0", "127.0.0.1");
        server.StartServer();
        var malloryName = Names.Unique("mallory");
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        await using var colleague = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("colleague"), new ClientSource(ForwardedFor: "2001:db8:5:1::2"));
        await using (var mallory = await SignalingClient.RegisteredAsync(server.HubUri, malloryName, new ClientSource(ForwardedFor: "2001:db8:5:1::1")))
        {
            await mallory.CallAsync(bob.Name, Offer);
            await bob.ExpectAsync<IncomingCall>();
            await bob.RejectAsync(malloryName);
            (await mallory.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.Declined);
            await mallory.UnregisterAsync();
        }

        await using var moved = await SignalingClient.RegisteredAsync(server.HubUri, malloryName, new ClientSource(ForwardedFor: "2001:db8:5:2::1"));
        await moved.CallAsync(bob.Name, Offer);

        await moved.ExpectRateLimitedAsync();
        await colleague.RingAndCancelAsync(bob);
    }

    [Fact]
    public async Task A_ring_the_caller_cancels_after_half_the_ringing_timeout_counts_as_unanswered()
    {
        // Else cancelling just before the timeout and ringing again would keep the phone ringing past the cool-down.
        await using var server = new One2OneServerFactory { ShippedLimits = true, LimitsClock = _clock }.WithSetting("Calls:RingingTimeout", "00:00:02");
        server.StartServer();
        await using var mallory = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("mallory"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        await mallory.CallAsync(bob.Name, Offer);
        await bob.ExpectAsync<IncomingCall>();
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await mallory.StopAsync();
        (await bob.ExpectAsync<StopCommunication>()).Reason.Should().Be(Reasons.Cancelled);

        await mallory.CallAsync(bob.Name, Offer);

        await mallory.ExpectRateLimitedAsync();
    }
}
