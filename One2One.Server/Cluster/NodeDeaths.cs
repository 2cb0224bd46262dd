using System.Collections.Concurrent;

namespace One2One.Server.Cluster;

/// <summary>
/// Tells this node when another node of the cluster is declared dead (Orleans membership, after
/// <c>Cluster:Membership</c>'s missed probes): the calls it was part of cannot reach it any more.
/// </summary>
/// <remarks>
/// <see cref="Died"/> is raised on this service's loop, once per node, in membership order; handlers must not block.
/// The moments deaths were seen are written on that loop and read from any thread.
/// </remarks>
internal sealed class NodeDeaths(IClusterMembershipService membership, ILocalSiloDetails self, TimeProvider time) : BackgroundService
{
    // When each death was seen (TimeProvider.GetTimestamp: monotonic, so a step of the wall clock ages no death).
    private readonly ConcurrentDictionary<SiloAddress, long> _seenDead = new();

    public event Action<SiloAddress>? Died;

    /// <summary>Whether the cluster has declared <paramref name="node"/> dead (or never knew it).</summary>
    public bool IsDead(SiloAddress node) => membership.IsDead(node);

    /// <summary>
    /// Whether <paramref name="node"/>, which another part of the cluster found dead, died less than <paramref name="span"/>
    /// ago as this node saw it: what it held may still be being taken over by the others. One this node has not seen die
    /// yet (its loop or its view of the cluster is behind) died just now; one it never knew died long ago.
    /// </summary>
    public bool DiedWithin(SiloAddress node, TimeSpan span) =>
        _seenDead.TryGetValue(node, out var seen)
            ? time.GetElapsedTime(seen) < span
            : membership.CurrentSnapshot.GetSiloStatus(node) != SiloStatus.None;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                foreach (var (node, member) in snapshot.Members)
                {
                    if (member.Status == SiloStatus.Dead && !node.Equals(self.SiloAddress) && _seenDead.TryAdd(node, time.GetTimestamp()))
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
