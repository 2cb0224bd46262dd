using Orleans.Hosting;
using Orleans.TestingHost;
using One2One.Server.Cluster;

namespace One2One.Tests.Cluster;

/// <summary>Orleans' in-process test cluster of two silos with the app's grain storage (in memory), for the grains alone.</summary>
internal static class TwoSiloTestCluster
{
    public static Task<TestCluster> StartAsync() => StartAsync(new TestClusterBuilder(2));

    /// <summary>The same, with <typeparamref name="TSilo"/> configuring each silo further (a test's grain call filter).</summary>
    public static Task<TestCluster> StartAsync<TSilo>()
        where TSilo : ISiloConfigurator, new() =>
        StartAsync(new TestClusterBuilder(2).AddSiloBuilderConfigurator<TSilo>());

    private static async Task<TestCluster> StartAsync(TestClusterBuilder builder)
    {
        var cluster = builder.AddSiloBuilderConfigurator<WithCallStorage>().Build();
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
