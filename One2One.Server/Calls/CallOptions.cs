using System.ComponentModel.DataAnnotations;

namespace One2One.Server.Calls;

/// <summary>Call behaviour, bound from the "Calls" configuration section.</summary>
public sealed class CallOptions
{
    public const string SectionName = "Calls";

    /// <summary>How long a call rings before the caller is told "no answer" and the callee's prompt is withdrawn.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Calls:RingingTimeout must be between 1 second and 1 hour.")]
    public TimeSpan RingingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the media server may take to set a call up (pipeline, endpoints, both answers).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Calls:MediaSetupTimeout must be between 1 second and 10 minutes.")]
    public TimeSpan MediaSetupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Browser ICE candidates kept per side while its endpoint does not exist yet; more are dropped.</summary>
    [Range(1, 10_000, ErrorMessage = "Calls:MaxQueuedCandidates must be between 1 and 10000.")]
    public int MaxQueuedCandidates { get; set; } = 200;

    /// <summary>
    /// How long a media server may stay unreachable (no control session) while it holds calls before they end with
    /// <c>media-server-lost</c>. Its media may still flow meanwhile; a server that comes back with our session keeps them.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Calls:MediaServerLostAfter must be between 1 second and 10 minutes.")]
    public TimeSpan MediaServerLostAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a call in progress waits for a side whose media path was lost (its page renegotiates, or the media server
    /// reports its ICE failed) to get one back before it ends with ice-failed. The peer's page is told meanwhile.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Calls:MediaReconnectWindow must be between 1 second and 5 minutes.")]
    public TimeSpan MediaReconnectWindow { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a person whose connection was lost without a hang-up (a network change, a reload, a killed browser, a
    /// closed tab) keeps the name, and the call in progress, for a page that comes back with the resume token (hub method
    /// Resume). The peer hears PeerReconnecting at once and, if the window closes without a resume, peer-disconnected.
    /// A call still ringing or being set up ends at once. Zero turns resume off: a lost connection unregisters at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Calls:ReconnectWindow must be between 0 and 5 minutes.")]
    public TimeSpan ReconnectWindow { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// In a cluster, how long a batch of messages for a page on another node that failed to get there waits before each
    /// new attempt; past the last it is given up (about as long as the cluster takes to declare a dead node dead). Not
    /// configurable: tests shorten it.
    /// </summary>
    internal IReadOnlyList<TimeSpan> DeliveryRetryDelays { get; set; } =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];
}
