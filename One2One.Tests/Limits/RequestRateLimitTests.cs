using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Tests.Support;
using static One2One.Tests.Limits.LimitedServer;

namespace One2One.Tests.Limits;

/// <summary>
/// The per-connection and per-address rate limits of Register, Call and OnIceCandidate, on the real server: a limited
/// request gets a clear "rate-limited" answer, disturbs nobody, and the budget comes back as the (fake) clock moves.
/// Two connections from 127.0.0.1 share an address; 127.0.0.2 is another.
/// </summary>
public sealed class RequestRateLimitTests
{
    private static readonly IceCandidateInit Candidate = new("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0", "0", 0);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task Register_is_limited_per_connection()
    {
        await using var server = Start(_clock, ("RegisterPerConnectionPerMinute", 3));
        await using var alice = await SignalingClient.ConnectAsync(server.HubUri);
        var name = Names.Unique("alice");
        for (var i = 0; i < 3; i++)
        {
            (await alice.RegisterAsync(name)).Response.Should().Be(Responses.Accepted);
        }

        var refused = await alice.RegisterAsync(name);

        refused.Response.Should().Be(Responses.Rejected);
        refused.Reason.Should().Be(Reasons.RateLimited);
        refused.Message.Should().Contain("try again in");
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob")); // the same address, its own connection
        _clock.Advance(TimeSpan.FromMinutes(1));
        (await alice.RegisterAsync(name)).Response.Should().Be(Responses.Accepted, "the budget came back after a minute");
    }

    [Fact]
    public async Task Register_is_limited_per_address_and_connections_from_one_address_share_it()
    {
        await using var server = Start(_clock, ("RegisterPerAddressPerMinute", 4));
        await using var first = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("first"));
        await using var second = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("second"));
        (await first.RegisterAsync(first.Name)).Response.Should().Be(Responses.Accepted);
        (await second.RegisterAsync(second.Name)).Response.Should().Be(Responses.Accepted);

        (await second.RegisterAsync(second.Name)).Reason.Should().Be(Reasons.RateLimited);
        (await first.RegisterAsync(first.Name)).Reason.Should().Be(Reasons.RateLimited, "both connections spend one address's budget");
        await using var elsewhere = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("elsewhere"), ClientSource.SecondAddress);

        _clock.Advance(TimeSpan.FromMinutes(1));
        (await second.RegisterAsync(second.Name)).Response.Should().Be(Responses.Accepted);
    }

    [Fact]
    public async Task Call_is_limited_per_connection_and_a_limited_call_rings_nobody()
    {
        await using var server = Start(_clock, ("CallAttemptsPerConnectionPerMinute", 2));
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        await using var carol = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("carol"), ClientSource.SecondAddress);
        await alice.RingAndCancelAsync(bob);
        await alice.RingAndCancelAsync(bob);

        await alice.CallAsync(bob.Name, Offer);

        await alice.ExpectRateLimitedAsync();
        await bob.ExpectUndisturbedAsync(carol);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await alice.RingAndCancelAsync(bob);
    }

    [Fact]
    public async Task Call_is_limited_per_address_and_connections_from_one_address_share_it()
    {
        await using var server = Start(_clock, ("CallAttemptsPerAddressPerMinute", 2));
        await using var first = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("first"));
        await using var second = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("second"));
        await using var elsewhere = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("elsewhere"), ClientSource.SecondAddress);
        await CallNobodyAsync(first, Reasons.UnknownUser);
        await CallNobodyAsync(second, Reasons.UnknownUser);

        await CallNobodyAsync(second, Reasons.RateLimited);
        await CallNobodyAsync(first, Reasons.RateLimited);
        await CallNobodyAsync(elsewhere, Reasons.UnknownUser);

        _clock.Advance(TimeSpan.FromMinutes(1));
        await CallNobodyAsync(first, Reasons.UnknownUser);
    }

    [Fact]
    public async Task Candidates_are_limited_per_connection_and_the_call_goes_on()
    {
        await using var server = Start(_clock, ("CandidatesPerConnectionPerMinute", 3));
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        await alice.CallAsync(bob.Name, Offer);
        await bob.ExpectAsync<IncomingCall>();
        for (var i = 0; i < 3; i++)
        {
            await alice.SendCandidateAsync(Candidate);
        }

        var limited = () => alice.SendCandidateAsync(Candidate);

        (await limited.Should().ThrowAsync<HubException>()).WithMessage("*rate-limited*");
        await bob.AcceptAsync(alice.Name!, Offer);
        (await bob.ExpectAsync<StartCommunication>()).SdpAnswer.Should().Contain("a=ice-lite");
        (await alice.ExpectAsync<CallResponse>()).Response.Should().Be(Responses.Accepted);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await alice.SendCandidateAsync(Candidate);
        await alice.StopAsync();
        (await bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
    }

    [Fact]
    public async Task Candidates_are_limited_per_address_and_connections_from_one_address_share_it()
    {
        await using var server = Start(_clock, ("CandidatesPerAddressPerMinute", 3));
        await using var first = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("first"));
        await using var second = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("second"));
        await using var firstPeer = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("first-peer"), ClientSource.SecondAddress);
        await using var secondPeer = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("second-peer"), ClientSource.SecondAddress);
        await first.CallAsync(firstPeer.Name, Offer);
        await second.CallAsync(secondPeer.Name, Offer);
        await firstPeer.ExpectAsync<IncomingCall>();
        await secondPeer.ExpectAsync<IncomingCall>();
        await first.SendCandidateAsync(Candidate);
        await first.SendCandidateAsync(Candidate);
        await second.SendCandidateAsync(Candidate);

        (await ((Func<Task>)(() => second.SendCandidateAsync(Candidate))).Should().ThrowAsync<HubException>()).WithMessage("*rate-limited*");
        (await ((Func<Task>)(() => first.SendCandidateAsync(Candidate))).Should().ThrowAsync<HubException>()).WithMessage("*rate-limited*");
        for (var i = 0; i < 3; i++)
        {
            await firstPeer.SendCandidateAsync(Candidate);
        }

        _clock.Advance(TimeSpan.FromMinutes(1));
        await second.SendCandidateAsync(Candidate);
    }

    private static async Task CallNobodyAsync(SignalingClient caller, string expectedReason)
    {
        await caller.CallAsync(Names.Unique("nobody"), Offer);
        var response = await caller.ExpectAsync<CallResponse>();
        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(expectedReason);
    }
}
