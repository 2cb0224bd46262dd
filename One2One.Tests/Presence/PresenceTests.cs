using One2One.Server.Contracts;
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

    private static One2OneServerFactory Started(One2OneServerFactory server)
    {
        server.StartServer();
        return server;
    }
}
