using Orleans.Hosting;
using Orleans.TestingHost;
using One2One.Server.Cluster;

namespace One2One.Tests.Cluster;

/// <summary>Orleans' in-process test cluster of two silos with the app's grain storage (in memory), for the grains alone.</summary>
internal static class TwoSiloTestCluster
{
    public static async Task<TestCluster> StartAsync()
    {
        var cluster = new TestClusterBuilder(2).AddSiloBuilderConfigurator<WithCallStorage>().Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static async Task StopAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    private sealed class WithCallStorage : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.AddMemoryGrainStorage(ClusterHosting.StorageName);
    }
}
