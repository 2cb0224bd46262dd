namespace One2One.Server.Cluster;

/// <summary>
/// One node's side of the cluster's presence (who is online), as the other nodes reach it: an Orleans grain observer
/// each node publishes in the <see cref="INodeDirectoryGrain"/>. What one node sends another arrives in the order sent.
/// </summary>
public interface INodePresence : IGrainObserver
{
    /// <summary><paramref name="node"/> takes part in presence: it is told this node's names, then every change.</summary>
    Task Join(SiloAddress node, INodePresence presence);

    /// <summary>The names listed on <paramref name="node"/> now.</summary>
    Task Snapshot(SiloAddress node, string[] names);

    /// <summary>A name came online or went offline on <paramref name="node"/>.</summary>
    Task Changed(SiloAddress node, string name, bool online);

    /// <summary>A name's page moved from <paramref name="node"/> to <paramref name="to"/> (it resumed there): still online.</summary>
    Task Moved(SiloAddress node, string name, SiloAddress to);
}
