namespace One2One.Server.Cluster;

/// <summary>
/// Tells this node when another node of the cluster is declared dead (Orleans membership, after
/// <c>Cluster:Membership</c>'s missed probes): the calls it was part of cannot reach it any more.
/// </summary>
/// <remarks>
/// <see cref="Died"/> is raised on this service's loop, once per node, in membership order; handlers must not block.
/// </remarks>
internal sealed class NodeDeaths(IClusterMembershipService membership, ILocalSiloDetails self) : BackgroundService
{
    public event Action<SiloAddress>? Died;

    /// <summary>Whether the cluster has declared <paramref name="node"/> dead (or never knew it).</summary>
    public bool IsDead(SiloAddress node) => membership.IsDead(node);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dead = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                foreach (var (node, member) in snapshot.Members)
                {
                    if (member.Status == SiloStatus.Dead && !node.Equals(self.SiloAddress) && dead.Add(node))
                    {
                        Died?.Invoke(node);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
