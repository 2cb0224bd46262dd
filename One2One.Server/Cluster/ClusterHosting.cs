using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using One2One.Server.Observability;
using StackExchange.Redis;

namespace One2One.Server.Cluster;

/// <summary>
/// Hosts this node's Orleans silo in the app's process: a cluster of one by default, or a member of the cluster that
/// shares <see cref="ClusterNodeOptions.Redis"/>, with the SignalR backplane on the same Redis (kept off the path of a
/// connecting page: <see cref="BestEffortBackplane{THub}"/>).
/// </summary>
public static class ClusterHosting
{
    /// <summary>The grain storage provider the call grains persist their durable part to.</summary>
    public const string StorageName = "calls";

    public static WebApplicationBuilder UseOne2OneCluster(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ClusterNodeOptions.SectionName).Get<ClusterNodeOptions>() ?? new ClusterNodeOptions();
        ClusterNodeOptionsValidator.ThrowIfInvalid(options);
        var siloPort = options.SiloPort > 0 ? options.SiloPort : FreeTcpPort(options.AdvertisedIPAddress);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            silo.UseClaimlessDirectoryCache();

            // How fast a node that stopped answering is declared dead (its names free, its grains elsewhere): Orleans'
            // own settings, e.g. Cluster:Membership:ProbeTimeout and Cluster:Membership:NumMissedProbesLimit. Read at
            // start only (no change token): Orleans reads them on every membership change and stops the node on any
            // error, so a mistake written into appsettings.json while the node runs would stop it (and then every node).
            var membershipSection = builder.Configuration.GetSection(ClusterNodeOptions.SectionName + ":Membership");
            silo.Services.Configure<ClusterMembershipOptions>(orleans => membershipSection.Bind(orleans));
            if (options.IsClustered)
            {
                var redis = ConfigurationOptions.Parse(options.Redis!);
                silo.UseRedisClustering(membership => membership.ConfigurationOptions = redis.Clone());
                // A cleared state is deleted: Orleans' default writes it back empty, and every call ever made (and every
                // name ever registered) would keep a key in Redis for good.
                silo.AddRedisGrainStorage(StorageName, storage =>
                {
                    storage.ConfigurationOptions = redis.Clone();
                    storage.DeleteStateOnClear = true;
                });
                silo.ConfigureEndpoints(options.AdvertisedIPAddress, siloPort, options.GatewayPort, listenOnAnyHostAddress: !string.IsNullOrWhiteSpace(options.AdvertisedAddress));
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, options.GatewayPort, new IPEndPoint(IPAddress.Loopback, siloPort), options.ServiceId, options.ClusterId);
                // States kept as objects in this process: each registered name keeps its claim here while registered.
                silo.Services.AddGrainStorage(StorageName, static (services, _) => ActivatorUtilities.CreateInstance<InProcessGrainStorage>(services));
            }
        });

        builder.Services.AddOptions<ClusterNodeOptions>().BindConfiguration(ClusterNodeOptions.SectionName);
        builder.Services.AddSingleton<ClusterCheck>();
        builder.Services.AddHealthChecks().AddCheck<ClusterCheck>("cluster", HealthStatus.Unhealthy, [ObservabilityServiceCollectionExtensions.ReadyTag], TimeSpan.FromSeconds(5));

        var signalR = builder.Services.AddSignalR();
        if (options.IsClustered)
        {
            signalR.AddStackExchangeRedis(options.Redis!, backplane => backplane.Configuration.ChannelPrefix = RedisChannel.Literal(options.ClusterId));
            builder.Services.Replace(ServiceDescriptor.Singleton(typeof(HubLifetimeManager<>), typeof(BestEffortBackplane<>)));
        }

        return builder;
    }

    // Bound and released: another process may take it before the silo binds, which then fails to start (and says so).
    private static int FreeTcpPort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
