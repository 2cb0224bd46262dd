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
}
