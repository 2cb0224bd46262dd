using Orleans.Runtime;

namespace One2One.Server.Cluster;

/// <summary>What this node's view of the cluster's membership says of another node.</summary>
internal static class ClusterMembership
{
    /// <summary>Whether the cluster has declared <paramref name="node"/> dead (or never knew it): a claim, call or entry of it holds nothing.</summary>
    public static bool IsDead(this IClusterMembershipService membership, SiloAddress node) =>
        membership.CurrentSnapshot.GetSiloStatus(node) is SiloStatus.Dead or SiloStatus.None;
}
