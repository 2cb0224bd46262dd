using Microsoft.AspNetCore.SignalR;
using One2One.Server.Contracts;
using One2One.Tests.Support;

namespace One2One.Tests.Ice;

/// <summary>The real server hands each registered person their ICE servers and a TURN credential minted for them.</summary>
public sealed class RegistrationIceServersTests : IAsyncLifetime
{
    private const string Secret = "registration-test-secret";

    private readonly One2OneServerFactory _server = new One2OneServerFactory()
        .WithSetting("Ice:StunUrls:0", "stun:198.51.100.1:3478")
        .WithSetting("Turn:Urls:0", "turn:198.51.100.2:3478?transport=udp")
        .WithSetting("Turn:Urls:1", "turn:198.51.100.2:3478?transport=tcp")
        .WithSetting("Turn:SharedSecret", Secret)
        .WithSetting("Turn:CredentialLifetime", "00:30:00")
        .WithSetting("Ice:TransportPolicy", "relay");

    public Task InitializeAsync()
    {
        _server.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_accepted_registration_carries_the_STUN_and_TURN_servers_and_a_credential_for_that_name()
    {
        var name = Names.Unique("alice");
        await using var client = await SignalingClient.ConnectAsync(_server.HubUri);

        var response = await client.RegisterAsync(name);

        response.Response.Should().Be(Responses.Accepted);
        response.IceTransportPolicy.Should().Be("relay");
        response.IceServers.Should().HaveCount(2);
        response.IceServers![0].Should().Match<IceServer>(s => s.Urls.Single() == "stun:198.51.100.1:3478" && s.Username == null && s.Credential == null);
        ShouldBeMintedFor(response.IceServers[1], name);
    }

    [Fact]
    public async Task A_rejected_registration_carries_no_ICE_servers()
    {
        var name = Names.Unique("bob");
        await using var first = await SignalingClient.RegisteredAsync(_server.HubUri, name);
        await using var second = await SignalingClient.ConnectAsync(_server.HubUri);

        var response = await second.RegisterAsync(name);

        response.Response.Should().Be(Responses.Rejected);
        response.IceServers.Should().BeNull();
        response.IceTransportPolicy.Should().BeNull();
    }

    [Fact]
    public async Task A_registered_page_can_ask_for_a_fresh_credential_before_a_call()
    {
        var name = Names.Unique("carol");
        await using var client = await SignalingClient.RegisteredAsync(_server.HubUri, name);

        var fresh = await client.GetIceServersAsync();

        fresh.IceTransportPolicy.Should().Be("relay");
        fresh.IceServers.Should().HaveCount(2);
        ShouldBeMintedFor(fresh.IceServers[1], name);
    }

    [Fact]
    public async Task Asking_for_ICE_servers_over_and_over_is_rate_limited_per_connection()
    {
        // Each answer mints a TURN credential: a page asks before each call and every few minutes of one, not in a loop.
        await using var server = new One2OneServerFactory().WithSetting("Limits:IceServersPerConnectionPerMinute", "3");
        await using var client = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("erin"));
        for (var i = 0; i < 3; i++)
        {
            await client.GetIceServersAsync();
        }

        var fourth = () => client.GetIceServersAsync();

        (await fourth.Should().ThrowAsync<HubException>()).WithMessage("*rate-limited: Too many requests for ICE servers; try again in * s.*");
        await using var other = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("frank"));
        (await other.GetIceServersAsync()).IceTransportPolicy.Should().Be("all", "the budget is per connection (and generous per address)");
    }

    [Fact]
    public async Task Asking_for_ICE_servers_before_registering_is_refused()
    {
        await using var client = await SignalingClient.ConnectAsync(_server.HubUri);

        var asking = () => client.GetIceServersAsync();

        (await asking.Should().ThrowAsync<HubException>()).WithMessage("*Register a name first*");
    }

    [Fact]
    public async Task Without_ICE_settings_an_acceptance_carries_no_servers_and_the_default_policy()
    {
        await using var server = new One2OneServerFactory();
        await using var client = await SignalingClient.ConnectAsync(server.HubUri);

        var response = await client.RegisterAsync(Names.Unique("dave"));

        response.Response.Should().Be(Responses.Accepted);
        response.IceServers.Should().BeEmpty();
        response.IceTransportPolicy.Should().Be("all");
    }

    private static void ShouldBeMintedFor(IceServer turn, string name)
    {
        turn.Urls.Should().Equal("turn:198.51.100.2:3478?transport=udp", "turn:198.51.100.2:3478?transport=tcp");
        var (expiry, credentialName) = IndependentTurnCredential.Parse(turn.Username!);
        credentialName.Should().Be(name);
        expiry.Should().BeCloseTo(DateTimeOffset.UtcNow.AddMinutes(30), TimeSpan.FromMinutes(1));
        turn.Credential.Should().Be(IndependentTurnCredential.For(Secret, turn.Username!));
    }
}
