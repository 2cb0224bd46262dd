using System.Net;

namespace One2One.Server.Cluster;

/// <summary>
/// The "Cluster" section: how this app node joins the others. Without <see cref="Redis"/> the node is a cluster of one:
/// an in-process Orleans silo with localhost clustering and in-memory grain storage, and nothing else to install.
/// </summary>
public sealed class ClusterNodeOptions
{
    public const string SectionName = "Cluster";

    /// <summary>
    /// A StackExchange.Redis connection string (e.g. <c>redis.internal:6379,password=...</c>). When set, Orleans
    /// membership, the call grains' storage and the SignalR backplane all use it, so several nodes form one cluster.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>The silo-to-silo port. 0 picks a free port (the default, fine for a node alone or on one machine).</summary>
    public int SiloPort { get; set; }

    /// <summary>The port Orleans clients outside the app connect to; 0 (the default) opens none: the app hosts its silo.</summary>
    public int GatewayPort { get; set; }

    /// <summary>
    /// The IP address the other nodes reach this one at (not a host name). Defaults to loopback for a node alone; a
    /// multi-machine cluster sets it (the silo then listens on every address).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Nodes with the same ids over the same Redis are one cluster; a second deployment on that Redis changes them.</summary>
    public string ClusterId { get; set; } = "one2one";

    public string ServiceId { get; set; } = "one2one";

    public bool IsClustered => !string.IsNullOrWhiteSpace(Redis);

    internal IPAddress AdvertisedIPAddress => string.IsNullOrWhiteSpace(AdvertisedAddress) ? IPAddress.Loopback : IPAddress.Parse(AdvertisedAddress);
}
