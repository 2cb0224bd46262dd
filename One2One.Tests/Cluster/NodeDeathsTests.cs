using System.Collections.Immutable;
using System.Net;
using System.Threading.Channels;
using One2One.Server.Cluster;
using One2One.Tests.Support;

namespace One2One.Tests.Cluster;

/// <summary>How long ago another node died, as this node saw it: on the monotonic clock, whatever the wall clock does.</summary>
public sealed class NodeDeathsTests
{
    private static readonly SiloAddress Self = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress Other = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    [Fact]
    public async Task A_death_ages_with_time_and_not_with_steps_of_the_wall_clock()
    {
        // A resume whose name was last held on a node that died moments ago waits for the take-over ("unavailable"); one
        // that died long ago is answered at once. A clock stepped back made a long-dead node look freshly dead (pages
        // waiting a minute and a half for nothing), and one stepped forward made a fresh death look old (a call that was
        // being taken over lost).
        var clock = new SteppedWallClock();
        var membership = new ScriptedMembership();
        var deaths = new NodeDeaths(membership, new LocalSilo(), clock);
        var died = new TaskCompletionSource<SiloAddress>(TaskCreationOptions.RunContinuationsAsynchronously);
        deaths.Died += node => died.TrySetResult(node);
        await deaths.StartAsync(CancellationToken.None);
        try
        {
            membership.Publish(SiloStatus.Dead);
            (await died.Task.WaitAsync(TimeSpan.FromSeconds(10))).Should().Be(Other);

            clock.Step = TimeSpan.FromHours(1);
            deaths.DiedWithin(Other, TimeSpan.FromSeconds(20)).Should().BeTrue("it died a moment ago; the wall clock jumped an hour ahead");

            clock.Fake.Advance(TimeSpan.FromHours(1));
            clock.Step = TimeSpan.FromHours(-1);
            deaths.DiedWithin(Other, TimeSpan.FromSeconds(20)).Should().BeFalse("it died an hour ago; the wall clock was stepped back an hour");
        }
        finally
        {
            await deaths.StopAsync(CancellationToken.None);
        }
    }

    private sealed class ScriptedMembership : IClusterMembershipService
    {
        private readonly Channel<ClusterMembershipSnapshot> _updates = Channel.CreateUnbounded<ClusterMembershipSnapshot>();

        public ClusterMembershipSnapshot CurrentSnapshot { get; private set; } = Snapshot(SiloStatus.Active, 1);

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => _updates.Reader.ReadAllAsync();

        public void Publish(SiloStatus other)
        {
            CurrentSnapshot = Snapshot(other, CurrentSnapshot.Version.Value + 1);
            _updates.Writer.TryWrite(CurrentSnapshot);
        }

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);

        private static ClusterMembershipSnapshot Snapshot(SiloStatus other, long version) =>
            new(ImmutableDictionary<SiloAddress, ClusterMember>.Empty
                    .Add(Self, new ClusterMember(Self, SiloStatus.Active, "self"))
                    .Add(Other, new ClusterMember(Other, other, "other")),
                new MembershipVersion(version));
    }

    private sealed class LocalSilo : ILocalSiloDetails
    {
        public string Name => "self";

        public string ClusterId => "test";

        public string DnsHostName => "localhost";

        public SiloAddress SiloAddress => Self;

        public SiloAddress GatewayAddress => Self;
    }
}
