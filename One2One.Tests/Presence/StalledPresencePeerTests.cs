using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Server.Presence;
using One2One.Tests.Cluster;
using One2One.Tests.Support;

namespace One2One.Tests.Presence;

/// <summary>
/// A node that stops taking presence changes without dying (its calls to the other node's presence held by an Orleans
/// outgoing call filter, as a stalled peer would leave them unanswered): what waits for it stays within
/// <c>Presence:PeerBacklog</c> (3 here), and once it answers again it catches up on one snapshot.
/// </summary>
public sealed class StalledPresencePeerTests : IAsyncLifetime
{
    private readonly HeldPresence _held = new();
    private TwoNodeCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await TwoNodeCluster.StartAsync(() => new One2OneServerFactory
        {
            ConfigureServices = services => services.AddSingleton<IOutgoingGrainCallFilter>(_held),
        }.WithSetting("Presence:PeerBacklog", "3"));

    public async Task DisposeAsync()
    {
        _held.Release();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_stalled_node_s_backlog_stays_bounded_and_it_catches_up_on_the_names_as_they_are()
    {
        await using var bob = await SignalingClient.RegisteredAsync(_cluster.B.HubUri, "bob");
        await using var early = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "early");
        var online = await OnlineAfterAsync(bob, name => name == "early");

        _held.Hold();
        var people = new List<SignalingClient>();
        try
        {
            for (var i = 1; i <= 8; i++)
            {
                people.Add(await SignalingClient.RegisteredAsync(_cluster.A.HubUri, $"p{i}"));
            }

            var gone = await SignalingClient.RegisteredAsync(_cluster.A.HubUri, "gone");
            await gone.DisposeAsync();
            var presence = _cluster.A.Services.GetRequiredService<PresenceService>();
            var nodeB = _cluster.B.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
            await Eventually.TrueAsync(() => presence.BacklogTo(nodeB) > 0, "changes wait for node B");
            presence.BacklogTo(nodeB).Should().BeLessThanOrEqualTo(3, "ten changes for a node that takes none wait as at most three");

            _held.Release();
            await OnlineAfterAsync(bob, _ => false, online, until: names => names.SetEquals(["early", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"]));
        }
        finally
        {
            foreach (var person in people)
            {
                await person.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Follows <paramref name="client"/>'s list (its snapshot, then every change) until <paramref name="until"/> holds of
    /// the names online (by default: until one of them matches <paramref name="seen"/>); returns them.
    /// </summary>
    private static async Task<HashSet<string>> OnlineAfterAsync(
        SignalingClient client, Func<string, bool> seen, HashSet<string>? online = null, Func<HashSet<string>, bool>? until = null)
    {
        online ??= new HashSet<string>(StringComparer.Ordinal);
        until ??= names => names.Any(seen);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!until(online))
        {
            var left = deadline - DateTime.UtcNow;
            left.Should().BePositive($"the list caught up; it holds {string.Join(", ", online)}");
            OnlineList.Apply(online, await client.NextPresenceAsync(left));
        }

        return online;
    }

    /// <summary>Holds every call to another node's presence while <see cref="Hold"/> is on.</summary>
    private sealed class HeldPresence : IOutgoingGrainCallFilter
    {
        private volatile TaskCompletionSource? _held;

        public void Hold() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _held?.TrySetResult();

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(INodePresence) && _held is { } held)
            {
                await held.Task;
            }

            await context.Invoke();
        }
    }
}
