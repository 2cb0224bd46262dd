namespace One2One.Server.Kurento;

// API surface agreed for the call server. The Kurento client's implementation fills the bodies
// (and may split these types into their own files).

/// <summary>A remote Kurento object, known by its id.</summary>
public abstract class MediaObject
{
    public string Id { get; protected init; } = "";

    /// <summary>Releases the object on the media server (a pipeline releases its children).</summary>
    public Task ReleaseAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>
    /// Subscribes to an event of this object (with the 6.x name as a fallback on 40106). Handlers run one at
    /// a time, in arrival order, off the socket's receive loop; they must not block.
    /// </summary>
    public Task<KurentoSubscription> SubscribeAsync<TEvent>(Action<TEvent> handler, CancellationToken cancellationToken = default)
        where TEvent : IKurentoEvent<TEvent> => throw new NotImplementedException();
}

/// <summary>A subscription by id; disposing unsubscribes.</summary>
public sealed class KurentoSubscription : IAsyncDisposable
{
    public string Id { get; init; } = "";

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}

public sealed class MediaPipeline : MediaObject
{
    public Task<WebRtcEndpoint> CreateWebRtcEndpointAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();
}

public abstract class MediaElement : MediaObject
{
    public Task ConnectAsync(MediaElement sink, MediaType? mediaType = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task DisconnectAsync(MediaElement sink, MediaType? mediaType = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}

public sealed class WebRtcEndpoint : MediaElement
{
    public Task<string> ProcessOfferAsync(string offer, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task GatherCandidatesAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task AddIceCandidateAsync(KurentoIceCandidate candidate, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}

public sealed record IceCandidateFound(KurentoIceCandidate Candidate) : IKurentoEvent<IceCandidateFound>
{
    public static string EventType => "IceCandidateFound";
    public static string? LegacyEventType => "OnIceCandidate";
    public static IceCandidateFound Parse(System.Text.Json.JsonElement data) => throw new NotImplementedException();
}

public sealed record IceGatheringDone : IKurentoEvent<IceGatheringDone>
{
    public static string EventType => "IceGatheringDone";
    public static string? LegacyEventType => "OnIceGatheringDone";
    public static IceGatheringDone Parse(System.Text.Json.JsonElement data) => throw new NotImplementedException();
}

public sealed record IceComponentStateChanged(int StreamId, int ComponentId, IceComponentState State) : IKurentoEvent<IceComponentStateChanged>
{
    public static string EventType => "IceComponentStateChanged";
    public static string? LegacyEventType => "OnIceComponentStateChanged";
    public static IceComponentStateChanged Parse(System.Text.Json.JsonElement data) => throw new NotImplementedException();
}

public sealed record NewCandidatePairSelected(string LocalCandidate, string RemoteCandidate) : IKurentoEvent<NewCandidatePairSelected>
{
    public static string EventType => "NewCandidatePairSelected";
    public static string? LegacyEventType => null;
    public static NewCandidatePairSelected Parse(System.Text.Json.JsonElement data) => throw new NotImplementedException();
}

public sealed record MediaFlowInStateChanged(MediaFlowState State, MediaType MediaType, string PadName) : IKurentoEvent<MediaFlowInStateChanged>
{
    public static string EventType => "MediaFlowInStateChanged";
    public static string? LegacyEventType => "MediaFlowInStateChange";
    public static MediaFlowInStateChanged Parse(System.Text.Json.JsonElement data) => throw new NotImplementedException();
}

public sealed record MediaFlowOutStateChanged(MediaFlowState State, MediaType MediaType, string PadName) : IKurentoEvent<MediaFlowOutStateChanged>
{
    public static string EventType => "MediaFlowOutStateChanged";
    public static string? LegacyEventType => "MediaFlowOutStateChange";
    public static MediaFlowOutStateChanged Parse(System.Text.Json.JsonElement data) => throw new NotImplementedException();
}

/// <summary>Kurento's <c>Error</c> event: <c>type</c> is the error kind, e.g. UNEXPECTED_PIPELINE_ERROR.</summary>
public sealed record MediaErrorOccurred(string Description, int ErrorCode, string Type) : IKurentoEvent<MediaErrorOccurred>
{
    public static string EventType => "Error";
    public static string? LegacyEventType => null;
    public static MediaErrorOccurred Parse(System.Text.Json.JsonElement data) => throw new NotImplementedException();
}
