using System.Net;
using One2One.Server.Cluster;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace One2One.Tests.Cluster;

/// <summary>The name grain on Orleans' in-process test cluster of two silos.</summary>
public sealed class NameClaimGrainTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TwoSiloTestCluster.StartAsync();

    public Task DisposeAsync() => TwoSiloTestCluster.StopAsync(_cluster);

    [Fact]
    public async Task A_name_held_by_a_live_registration_is_refused_to_another_whatever_silo_asks()
    {
        var first = _cluster.Silos[0].SiloAddress;
        var second = _cluster.Silos[1].SiloAddress;
        var grain = Grain("Bob");

        (await grain.TryClaim(new NameClaim("Bob", "conn-a", first))).Should().BeTrue();
        (await grain.TryClaim(new NameClaim("BOB", "conn-b", second))).Should().BeFalse();
        (await grain.TryClaim(new NameClaim("Bob", "conn-a", first))).Should().BeTrue("the holder claiming again keeps it");
        (await grain.Holder())!.Registration.Should().Be("conn-a");
    }

    [Fact]
    public async Task Only_the_holder_frees_a_name()
    {
        var silo = _cluster.Silos[0].SiloAddress;
        var grain = Grain("carol");
        await grain.TryClaim(new NameClaim("carol", "conn-a", silo));

        await grain.Release("conn-late");
        (await grain.TryClaim(new NameClaim("Carol", "conn-b", silo))).Should().BeFalse("a stranger's release changes nothing");

        await grain.Release("conn-a");
        (await grain.Holder()).Should().BeNull();
        (await grain.TryClaim(new NameClaim("Carol", "conn-b", silo))).Should().BeTrue();
    }

    [Fact]
    public async Task A_claim_whose_node_is_not_in_the_cluster_holds_nothing()
    {
        var gone = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1), 1);
        var grain = Grain("dave");
        await grain.TryClaim(new NameClaim("dave", "conn-on-a-dead-node", gone));

        (await grain.Holder()).Should().BeNull();
        (await grain.LastHolder()).Should().Be(new NameClaim("dave", "conn-on-a-dead-node", gone), "whose the name was is kept until another claims it");
        (await grain.TryClaim(new NameClaim("dave", "conn-b", _cluster.Silos[1].SiloAddress))).Should().BeTrue();
        (await grain.LastHolder())!.Registration.Should().Be("conn-b");
    }

    [Fact]
    public async Task The_claim_survives_its_activation()
    {
        var silo = _cluster.Silos[0].SiloAddress;
        await Grain("erin").TryClaim(new NameClaim("erin", "conn-a", silo));

        var management = _cluster.GrainFactory.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);

        (await Grain("ERIN").Holder())!.Registration.Should().Be("conn-a");
    }

    [Fact]
    public async Task An_idle_claim_keeps_no_activation_and_still_holds_the_name()
    {
        var first = _cluster.Silos[0].SiloAddress;
        foreach (var name in new[] { "frank", "grace", "heidi" })
        {
            (await Grain(name).TryClaim(new NameClaim(name, "conn-" + name, first))).Should().BeTrue();
        }

        // Each registered name would otherwise keep an activation (about 2.5 KiB) for as long as it is registered.
        var management = _cluster.GrainFactory.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        int active;
        while ((active = await ActiveClaimGrainsAsync(management)) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        active.Should().Be(0, "a claim grain ends its activation once its call is done");
        (await Grain("GRACE").TryClaim(new NameClaim("Grace", "conn-other", _cluster.Silos[1].SiloAddress))).Should().BeFalse();
        (await Grain("heidi").Holder())!.Registration.Should().Be("conn-heidi");
    }

    private static async Task<int> ActiveClaimGrainsAsync(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(NameClaimGrain), StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);

    private INameClaimGrain Grain(string name) => _cluster.GrainFactory.GetGrain<INameClaimGrain>(NameClaims.KeyOf(name));
}
