using System.ComponentModel.DataAnnotations;

namespace One2One.Server.Presence;

/// <summary>Who-is-online, bound from the "Presence" configuration section and validated at start.</summary>
public sealed class PresenceOptions
{
    public const string SectionName = "Presence";

    /// <summary>When false the server sends no OnlineUsers or PresenceChanged, and pages hide the list.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The most names one OnlineUsers snapshot carries, so a page never gets an unbounded message; beyond it the
    /// snapshot says it is truncated (PresenceChanged still arrives for every join and leave).
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Presence:MaxListed must be between 1 and 100000.")]
    public int MaxListed { get; set; } = 500;

    /// <summary>
    /// In a cluster, the most joins and leaves waiting to be sent to one other node. A node that falls this far behind
    /// (it stalls without dying) gets one snapshot of the names listed here instead of everything it missed.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Presence:PeerBacklog must be between 1 and 1000000.")]
    public int PeerBacklog { get; set; } = 10_000;

    /// <summary>How many joins and leaves the node's feed keeps for pages behind (see <see cref="PresenceFeed"/>); tests set it lower.</summary>
    internal int FeedCapacity { get; set; } = PresenceFeed.DefaultCapacity;
}
