using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.Server.Cluster;

namespace One2One.Server.Hosting;

/// <summary>
/// What a graceful stop (SIGTERM, Ctrl+C, <c>systemctl stop</c>) does to this node's calls. Alone, the last node of its
/// cluster up, or with the media on this node's embedded media server, nobody else can carry them: they end with
/// <c>server-shutdown</c>. In a cluster whose media servers are external and another node is up, the others can, as
/// they do when a node dies: the stopping node leaves its calls, registrations, names and pipelines as they are (no
/// release, no record forgotten), its silo leaves the cluster, and the others take its calls over from their records
/// while its pages resume through the load balancer. A rolling restart then ends no call.
/// </summary>
/// <remarks>Decided once, when the stop first asks (the membership then), so that every part of the stop agrees.</remarks>
internal sealed class NodeStop
{
    private readonly Lazy<bool> _handsCallsOver;

    public NodeStop(IOptions<ClusterNodeOptions> cluster, IMediaServerLocator media, IClusterMembershipService membership, ILocalSiloDetails self) =>
        _handsCallsOver = new Lazy<bool>(() => cluster.Value.IsClustered && media is not EmbeddedMediaServerHost
            && membership.CurrentSnapshot.Members.Any(m => !m.Key.Equals(self.SiloAddress) && m.Value.Status == SiloStatus.Active));

    /// <summary>Whether this node's calls are left to the rest of the cluster as it stops; ask only once stopping.</summary>
    public bool HandsCallsOver => _handsCallsOver.Value;
}
