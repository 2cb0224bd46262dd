using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.Server.Cluster;

namespace One2One.Server.Hosting;

/// <summary>
/// What a graceful stop (SIGTERM, Ctrl+C, <c>systemctl stop</c>) does to this node's calls. Alone, or with the media on
/// this node's embedded media server, nobody else can carry them: they end with <c>server-shutdown</c>. In a cluster
/// whose media servers are external, the other nodes can, as they do when a node dies: the stopping node leaves its
/// calls, registrations, names and pipelines as they are (no hang-up, no release), its silo leaves the cluster, and the
/// others take its calls over from their records while its pages resume through the load balancer. A rolling restart
/// then ends no call.
/// </summary>
internal sealed class NodeStop(IOptions<ClusterNodeOptions> cluster, IMediaServerLocator media)
{
    /// <summary>Whether this node's calls are left to the rest of the cluster when it stops gracefully.</summary>
    public bool HandsCallsOver { get; } = cluster.Value.IsClustered && media is not EmbeddedMediaServerHost;
}
