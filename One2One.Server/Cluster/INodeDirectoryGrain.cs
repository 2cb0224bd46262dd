namespace One2One.Server.Cluster;

/// <summary>
/// The app nodes of the cluster and how to reach each one's presence (<see cref="INodePresence"/>), for what every node
/// must tell every other (who is online). One grain (key <see cref="Key"/>), kept in grain storage; nodes the cluster declared dead drop out.
/// </summary>
public interface INodeDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "nodes";

    /// <summary>Adds <paramref name="node"/> (reached through <paramref name="presence"/>) and returns the other live nodes.</summary>
    Task<NodeEntry[]> Join(SiloAddress node, INodePresence presence);
}

[GenerateSerializer, Immutable]
public sealed record NodeEntry([property: Id(0)] SiloAddress Node, [property: Id(1)] INodePresence Presence);
