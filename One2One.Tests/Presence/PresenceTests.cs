using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Limits;
using One2One.Server.Signaling;
using One2One.Tests.Support;

namespace One2One.Tests.Presence;

/// <summary>
/// Who is online over the real hub: a snapshot after registering, then a delta for each join and leave, bounded by
/// Presence:MaxListed, and nothing at all with Presence:Enabled false.
/// </summary>
public sealed class PresenceTests
{
    [Fact]
    public async Task A_registering_page_gets_the_others_names_and_every_listed_page_hears_of_joins_and_leaves()
    {
        await using var server = Started(new One2OneServerFactory());
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        (await alice.ExpectPresenceAsync<OnlineUserList>()).Should().BeEquivalentTo(new OnlineUserList([], false));

        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        (await bob.ExpectPresenceAsync<OnlineUserList>()).Should().BeEquivalentTo(new OnlineUserList([alice.Name!], false));
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange(bob.Name!, true));

        await using (var carol = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("carol")))
        {
            (await carol.ExpectPresenceAsync<OnlineUserList>()).Names.Should().BeEquivalentTo([alice.Name!, bob.Name!]);
            (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange(carol.Name!, true));
            (await bob.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange(carol.Name!, true));
            await carol.DisconnectAsync();
            (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange(carol.Name!, false));
            (await bob.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange(carol.Name!, false));
        }

        await using var unregistered = await SignalingClient.ConnectAsync(server.HubUri);
        await bob.RegisterAsync(bob.Name);
        await Task.Delay(300);
        unregistered.DrainPresence().Should().BeEmpty("only registered pages are told who is online");
        bob.DrainPresence().Should().BeEmpty("registering again under the same name lists nothing twice");
        alice.DrainPresence().Should().BeEmpty();
    }

    [Fact]
    public async Task The_snapshot_holds_at_most_Presence_MaxListed_names_and_says_it_is_truncated()
    {
        await using var server = Started(new One2OneServerFactory().WithSetting("Presence:MaxListed", "2"));
        var others = new List<SignalingClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                others.Add(await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("user")));
            }

            await using var dave = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("dave"));
            var snapshot = await dave.ExpectPresenceAsync<OnlineUserList>();
            snapshot.Names.Should().HaveCount(2).And.BeSubsetOf(others.Select(o => o.Name!));
            snapshot.Truncated.Should().BeTrue();
        }
        finally
        {
            foreach (var other in others)
            {
                await other.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task With_Presence_Enabled_false_nothing_is_sent()
    {
        await using var server = Started(new One2OneServerFactory().WithSetting("Presence:Enabled", "false"));
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        await bob.DisconnectAsync();
        await Task.Delay(300);

        alice.DrainPresence().Should().BeEmpty();
        bob.DrainPresence().Should().BeEmpty();
    }

    [Fact]
    public async Task A_page_that_takes_over_its_own_half_open_connection_is_never_reported_offline()
    {
        // The old connection's end (on another thread) runs before the resume that closed it goes on, as a loaded machine
        // may order them.
        await using var server = Started(new One2OneServerFactory
        {
            ConfigureServices = services => services.AddSingleton<IUserConnections>(sp => new OldConnectionEndsFirst(
                ActivatorUtilities.CreateInstance<HubUserConnections>(sp), sp.GetRequiredService<ClientConnections>())),
        });
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await alice.ExpectPresenceAsync<OnlineUserList>();
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange(bob.Name!, true));

        // A network change: bob's page comes back on a new connection, which takes over the old one (still open).
        await using var bobAgain = await SignalingClient.ConnectAsync(server.HubUri);
        (await bobAgain.ResumeAsync(bob.Name, bob.ResumeToken)).Response.Should().Be(Responses.Accepted);
        (await bobAgain.ExpectPresenceAsync<OnlineUserList>()).Names.Should().Equal([alice.Name!], "the new page gets its list");
        await Task.Delay(300);

        alice.DrainPresence().Should().BeEmpty("bob never left: his contacts must not see him flicker offline and back");
        bobAgain.DrainPresence().Should().BeEmpty("the new page is listed once");
        await using var carol = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("carol"));
        (await carol.ExpectPresenceAsync<OnlineUserList>()).Names.Should().BeEquivalentTo([alice.Name!, bob.Name!]);

        // And when he leaves, everyone hears it once.
        await bobAgain.DisconnectAsync();
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange(carol.Name!, true));
        (await alice.ExpectPresenceAsync<PresenceChange>()).Should().Be(new PresenceChange(bob.Name!, false));
    }

    /// <summary>Closes a connection, then waits until the server has finished with its end (presence, registration).</summary>
    private sealed class OldConnectionEndsFirst(IUserConnections inner, ClientConnections connections) : IUserConnections
    {
        public ClientAddress AddressOf(string connectionId) => inner.AddressOf(connectionId);

        public IUserOutbox OpenOutbox(string connectionId) => inner.OpenOutbox(connectionId);

        public void Abort(string connectionId, string reason)
        {
            inner.Abort(connectionId, reason);
            if (!SpinWait.SpinUntil(() => connections.Find(connectionId) is null, TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException("The closed connection's end did not run: the test would not test the order it claims.");
            }
        }
    }

    private static One2OneServerFactory Started(One2OneServerFactory server)
    {
        server.StartServer();
        return server;
    }
}
