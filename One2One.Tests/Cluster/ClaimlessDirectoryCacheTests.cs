using System.Net;
using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Cluster;
using One2One.Tests.Support;
using Orleans.Runtime;
using Orleans.Runtime.GrainDirectory;

namespace One2One.Tests.Cluster;

/// <summary>
/// The node's grain-location cache keeps no entry for a name claim (each claim grain deactivates after every call, so such
/// an entry would be stale at once, and one per registered name is memory for nothing); other grains are cached as before.
/// </summary>
public sealed class ClaimlessDirectoryCacheTests
{
    [Fact]
    public async Task Registered_names_leave_no_entry_in_the_node_s_grain_location_cache()
    {
        await using var server = new One2OneServerFactory();
        server.StartServer();
        var names = Enumerable.Range(0, 20).Select(i => Names.Unique($"cached{i}")).ToList();
        var clients = new List<SignalingClient>();
        foreach (var name in names)
        {
            clients.Add(await SignalingClient.RegisteredAsync(server.HubUri, name));
        }

        var cache = server.Services.GetRequiredService<IGrainDirectoryCache>();
        cache.Should().BeOfType<ClaimlessDirectoryCache>("the silo uses it for every grain location");
        var claimType = server.Services.GetRequiredService<IGrainFactory>().GetGrain<INameClaimGrain>("x").GetGrainId().Type;
        claimType.Should().Be(ClaimlessDirectoryCache.ClaimType, "the cache recognises the claim grain by the type Orleans gives it");
        cache.KeyValues.Where(entry => entry.ActivationAddress.GrainId.Type.Equals(claimType)).Should().BeEmpty();

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public void Any_other_grain_is_cached_and_found_as_before()
    {
        var silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
        var options = new Orleans.Configuration.GrainDirectoryOptions { CachingStrategy = Orleans.Configuration.GrainDirectoryOptions.CachingStrategyType.LRU, CacheSize = 100 };
        var cache = new ClaimlessDirectoryCache(GrainDirectoryCacheFactory.CreateGrainDirectoryCache(new ServiceCollection().BuildServiceProvider(), options));
        var call = new GrainAddress { GrainId = GrainId.Create("call", "42"), SiloAddress = silo, ActivationId = ActivationId.NewId() };
        var claim = new GrainAddress { GrainId = GrainId.Create(ClaimlessDirectoryCache.ClaimType, "ALICE"), SiloAddress = silo, ActivationId = ActivationId.NewId() };

        cache.AddOrUpdate(call, 1);
        cache.AddOrUpdate(claim, 1);

        cache.LookUp(call.GrainId, out var found, out var version).Should().BeTrue();
        (found, version).Should().Be((call, 1));
        cache.LookUp(claim.GrainId, out _, out _).Should().BeFalse("a claim is never cached");
        cache.Remove(call.GrainId).Should().BeTrue();
        cache.KeyValues.Should().BeEmpty();
    }
}
