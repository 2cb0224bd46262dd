using One2One.Server.Cluster;

namespace One2One.Server.Presence;

/// <summary>This node's <see cref="INodePresence"/>: what other nodes tell it, handed to the <see cref="PresenceService"/>.</summary>
/// <remarks>Kept alive by <see cref="PresencePeering"/> (Orleans holds an observer weakly).</remarks>
internal sealed class PresenceLink(PresenceService presence) : INodePresence
{
    public Task Join(SiloAddress node, INodePresence other)
    {
        presence.Connect(node, other);
        return Task.CompletedTask;
    }

    public Task Snapshot(SiloAddress node, string[] names)
    {
        presence.ApplySnapshot(node, names);
        return Task.CompletedTask;
    }

    public Task Changed(SiloAddress node, string name, bool online)
    {
        presence.ApplyChange(node, name, online);
        return Task.CompletedTask;
    }

    public Task Moved(SiloAddress node, string name, SiloAddress to)
    {
        presence.ApplyMove(node, name, to);
        return Task.CompletedTask;
    }
}
