using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Server.Signaling;
using One2One.Tests.Support;
using static One2One.Tests.Limits.LimitedServer;

namespace One2One.Tests.Limits;

/// <summary>
/// What one caller may do to one callee, and what one client address may hold at once, with the shipped defaults
/// unless a test says otherwise.
/// </summary>
public sealed class PerAddressLimitTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task The_fourth_ring_of_the_same_callee_within_a_minute_is_refused_and_does_not_disturb_them()
    {
        await using var server = Start(_clock);
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        await using var carol = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("carol"));
        await using var dave = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("dave"), ClientSource.SecondAddress);
        for (var ring = 0; ring < 3; ring++)
        {
            await alice.RingAndCancelAsync(bob);
        }

        await alice.CallAsync(bob.Name, Offer);

        await alice.ExpectRateLimitedAsync();
        await bob.ExpectUndisturbedAsync(dave);
        await alice.RingAndCancelAsync(carol); // someone else can still be called
        _clock.Advance(TimeSpan.FromMinutes(1));
        await alice.RingAndCancelAsync(bob);
    }

    [Fact]
    public async Task The_same_caller_is_its_address_whatever_connection_or_name_it_uses()
    {
        await using var server = Start(_clock);
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        for (var ring = 0; ring < 3; ring++)
        {
            await alice.RingAndCancelAsync(bob);
        }

        await using var aliceAgain = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice-again"));
        await aliceAgain.CallAsync(bob.Name, Offer);

        await aliceAgain.ExpectRateLimitedAsync();
    }

    [Fact]
    public async Task The_twenty_first_name_from_one_address_is_refused_until_one_leaves()
    {
        await using var server = Start(_clock);
        var registered = new List<SignalingClient>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                registered.Add(await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("user")));
            }

            await using var twentyFirst = await SignalingClient.ConnectAsync(server.HubUri);
            var refused = await twentyFirst.RegisterAsync(Names.Unique("one-too-many"));
            refused.Response.Should().Be(Responses.Rejected);
            refused.Reason.Should().Be(Reasons.RateLimited);
            refused.Message.Should().Contain("network address");
            await using var elsewhere = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("elsewhere"), ClientSource.SecondAddress);

            var leaving = registered[0];
            registered.RemoveAt(0);
            await leaving.DisposeAsync();
            await Eventually.TrueAsync(() => server.Users().FindByName(leaving.Name!) is null, "the server saw the connection close");

            (await twentyFirst.RegisterAsync(Names.Unique("now-there-is-room"))).Response.Should().Be(Responses.Accepted);
        }
        finally
        {
            foreach (var client in registered)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Past_the_cap_on_calls_from_one_address_a_caller_is_refused_while_another_address_calls_normally()
    {
        await using var server = Start(_clock, ("CallsPerAddress", 2));
        await using var a1 = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("a1"));
        await using var a2 = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("a2"));
        await using var a3 = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("a3"));
        await using var b1 = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("b1"));
        await using var b2 = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("b2"));
        await using var b3 = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("b3"));
        await using var other = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("other"), ClientSource.SecondAddress);
        await using var otherPeer = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("other-peer"), ClientSource.SecondAddress);
        await a1.ConnectCallAsync(b1);
        await a2.CallAsync(b2.Name, Offer);
        await b2.ExpectAsync<IncomingCall>(); // ringing counts: its media is reserved as it is placed

        await a3.CallAsync(b3.Name, Offer);

        await a3.ExpectRateLimitedAsync();
        await b3.ExpectUndisturbedAsync(other);
        await other.ConnectCallAsync(otherPeer);
        server.MediaCounts().Pipelines.Should().Be(3, "the two calls in progress and the ringing one hold media; the refused call built nothing");

        await a1.StopAsync();
        (await b1.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp);
        await Eventually.TrueAsync(() => server.Calls.ActiveCallCount == 2, "the hung-up call is over once its media is released");
        await a3.RingAndCancelAsync(b3); // the ended call gave its place back
    }


    [Fact]
    public async Task A_name_held_for_a_resume_still_counts_for_its_address_and_its_page_always_gets_it_back()
    {
        await using var server = new One2OneServerFactory { ShippedLimits = true, LimitsClock = _clock, ReconnectWindow = TimeSpan.FromMinutes(5) }
            .WithSetting("Limits:RegistrationsPerAddress", "2");
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        var token = alice.ResumeToken!;
        await alice.DisconnectAsync();
        await Eventually.TrueAsync(() => server.Users().FindByName(alice.Name!)?.IsDetached == true, "alice is held for a resume");

        await using var carol = await SignalingClient.ConnectAsync(server.HubUri);
        var refused = await carol.RegisterAsync(Names.Unique("carol"));
        refused.Reason.Should().Be(Reasons.RateLimited, "alice's held name still counts: dropping connections must not multiply names");

        await using var aliceBack = await SignalingClient.ConnectAsync(server.HubUri);
        (await aliceBack.ResumeAsync(alice.Name, token)).Response.Should().Be(Responses.Accepted, "her page comes back to her own place");
        (await carol.RegisterAsync(Names.Unique("carol"))).Reason.Should().Be(Reasons.RateLimited, "one place, moved, not two");

        await aliceBack.UnregisterAsync();
        (await carol.RegisterAsync(Names.Unique("carol"))).Response.Should().Be(Responses.Accepted, "leaving frees the place at once");
    }

    [Fact]
    public async Task A_connection_past_the_address_limit_is_refused_with_429_and_the_reason_and_a_closed_one_frees_its_place()
    {
        await using var server = new One2OneServerFactory { ShippedLimits = true, LimitsClock = _clock }
            .WithSetting("Limits:ConnectionsPerAddress", "2");
        using var rejected = new MetricCollector<long>(server.Services.GetRequiredService<IMeterFactory>(), "One2One", "one2one.hub.rejected");
        await using var first = await SignalingClient.ConnectAsync(server.HubUri);
        await using var second = await SignalingClient.ConnectAsync(server.HubUri);
        await using var elsewhere = await SignalingClient.ConnectAsync(server.HubUri, ClientSource.SecondAddress);

        // Before the hub runs (SignalR would log a hub that fails to start as an error): the negotiation gets 429 and why.
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var refused = await http.PostAsync(new Uri("one2one/negotiate?negotiateVersion=1", UriKind.Relative), null);
        var connecting = () => SignalingClient.ConnectAsync(server.HubUri);

        refused.StatusCode.Should().Be(System.Net.HttpStatusCode.TooManyRequests);
        (await refused.Content.ReadAsStringAsync()).Should().StartWith("rate-limited: ").And.Contain("at most 2");
        await connecting.Should().ThrowAsync<Exception>();
        rejected.GetMeasurementSnapshot().Should().HaveCount(2).And.OnlyContain(m => (string?)m.Tags["reason"] == Reasons.RateLimited,
            "each refused connection is counted with the hub's refusals");
        (await elsewhere.RegisterAsync(Names.Unique("carol"))).Response.Should().Be(Responses.Accepted, "another address is not affected");
        (await second.RegisterAsync(Names.Unique("bob"))).Response.Should().Be(Responses.Accepted, "the connections already open go on");
        var connections = server.Services.GetRequiredService<ClientConnections>();
        connections.Count.Should().Be(3, "the refused connections left nothing behind");

        await first.DisconnectAsync();
        await Eventually.TrueAsync(() => connections.Count == 2, "the closed connection is gone");
        await using var again = await SignalingClient.ConnectAsync(server.HubUri);
        (await again.RegisterAsync(Names.Unique("dave"))).Response.Should().Be(Responses.Accepted, "its place was given back");
    }

    [Fact]
    public async Task Negotiations_that_are_never_opened_are_limited_per_address_and_the_budget_refills()
    {
        // SignalR holds each negotiated connection until its disconnect timeout (15 s) even when it is never opened: the
        // quota of open connections never sees them, so how often an address may start one is limited too.
        await using var server = new One2OneServerFactory { ShippedLimits = true, LimitsClock = _clock }
            .WithSetting("Limits:ConnectionAttemptsPerAddressPerMinute", "3");
        using var rejected = new MetricCollector<long>(server.Services.GetRequiredService<IMeterFactory>(), "One2One", "one2one.hub.rejected");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        for (var i = 0; i < 3; i++)
        {
            using var negotiated = await NegotiateAsync(http);
            negotiated.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, $"attempt {i + 1} is within the budget");
        }

        using var refused = await NegotiateAsync(http);
        refused.StatusCode.Should().Be(System.Net.HttpStatusCode.TooManyRequests);
        (await refused.Content.ReadAsStringAsync()).Should().StartWith("rate-limited: ").And.Contain("connection attempts");
        rejected.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["reason"].Should().Be(Reasons.RateLimited);
        await using var elsewhere = await SignalingClient.ConnectAsync(server.HubUri, ClientSource.SecondAddress);
        (await elsewhere.RegisterAsync(Names.Unique("carol"))).Response.Should().Be(Responses.Accepted, "another address is not affected");

        _clock.Advance(TimeSpan.FromSeconds(20)); // a token back: 3 a minute
        await using var back = await SignalingClient.ConnectAsync(server.HubUri);
        (await back.RegisterAsync(Names.Unique("dave"))).Response.Should().Be(Responses.Accepted, "the budget refills");
    }

    private static Task<HttpResponseMessage> NegotiateAsync(HttpClient http) =>
        http.PostAsync(new Uri("one2one/negotiate?negotiateVersion=1", UriKind.Relative), null);
}
