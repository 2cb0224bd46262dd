namespace One2One.Kurento;

/// <summary>
/// A typed client for a Kurento-protocol media server (JSON-RPC 2.0 over WebSocket): a real KMS or
/// One2One's embedded media server. One instance per application; it owns one WebSocket session,
/// keeps it alive with pings and resumes it with <c>connect {sessionId}</c> after a drop.
/// </summary>
public interface IKurentoClient
{
    /// <summary>Creates a MediaPipeline, connecting to the media server first if needed.</summary>
    Task<MediaPipeline> CreateMediaPipelineAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Releases a media object by its id, whoever created it: e.g. the pipeline of a call whose app node died (the media
    /// server knows object ids across sessions). Throws as <see cref="MediaObject.ReleaseAsync"/> does.
    /// </summary>
    Task ReleaseObjectAsync(string objectId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes a hold on a pipeline another session made (Kurento <c>ref</c>), e.g. that of a call whose app node died and
    /// whose call this node takes over: the pipeline then outlives the other session, and this client drives it as one of
    /// its own (<see cref="MediaPipeline.HoldWebRtcEndpointAsync"/> for its endpoints). Throws <see cref="KurentoException"/>
    /// 40101 if the media server no longer has it.
    /// </summary>
    Task<MediaPipeline> HoldMediaPipelineAsync(string pipelineId, CancellationToken cancellationToken = default);

    /// <summary>The ids of the pipelines the media server holds (ServerManager <c>getPipelines</c>).</summary>
    Task<IReadOnlyList<string>> GetPipelineIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Raised when the media server no longer knows our session (error 40007 on reconnect, e.g. after a
    /// restart): every object created through this client is gone, and so are its subscriptions. Raised on
    /// the reconnection path, before any request reaches the new session: handlers must not block (start the
    /// clean-up and return); requests they start wait for the new session.
    /// </summary>
    event EventHandler<KurentoSessionLostEventArgs>? SessionLost;

    /// <summary>
    /// Raised when a dropped connection resumed our session: every object and subscription is still there, but the events
    /// the media server raised while the connection was down are lost (KMS keeps none), so whoever depends on a state
    /// reads it again. Raised once the new connection is in use: requests that handlers start go on it. Handlers must not
    /// block (start the reading and return).
    /// </summary>
    event EventHandler<KurentoSessionResumedEventArgs>? SessionResumed;
}

public sealed class KurentoSessionResumedEventArgs(string sessionId) : EventArgs
{
    public string SessionId { get; } = sessionId;
}

public sealed class KurentoSessionLostEventArgs(string? oldSessionId, string reason) : EventArgs
{
    public string? OldSessionId { get; } = oldSessionId;

    public string Reason { get; } = reason;
}
