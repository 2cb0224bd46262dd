namespace One2One.MediaServer.Elements;

/// <summary>
/// An event a media object raises, under its 7.x Kurento name (<see cref="Type"/>). The protocol layer
/// writes it as an <c>onEvent</c> notification; <see cref="TimestampMillis"/> is when it was raised.
/// </summary>
internal abstract record MediaEvent(string Type, long TimestampMillis);

internal sealed record IceCandidateFoundEvent(long TimestampMillis, string Candidate, string SdpMid, int SdpMLineIndex)
    : MediaEvent("IceCandidateFound", TimestampMillis);

internal sealed record IceGatheringDoneEvent(long TimestampMillis) : MediaEvent("IceGatheringDone", TimestampMillis);

internal sealed record IceComponentStateChangedEvent(long TimestampMillis, int StreamId, int ComponentId, KurentoIceState State)
    : MediaEvent("IceComponentStateChanged", TimestampMillis);

internal sealed record NewCandidatePairSelectedEvent(long TimestampMillis, string StreamId, int ComponentId, string LocalCandidate, string RemoteCandidate)
    : MediaEvent("NewCandidatePairSelected", TimestampMillis);

internal sealed record DtlsConnectionStateChangeEvent(long TimestampMillis, string ConnectionId, DtlsConnectionState State)
    : MediaEvent("DtlsConnectionStateChange", TimestampMillis);

internal sealed record MediaFlowInStateChangedEvent(long TimestampMillis, KurentoMediaType MediaType, bool Flowing)
    : MediaEvent("MediaFlowInStateChanged", TimestampMillis);

internal sealed record MediaFlowOutStateChangedEvent(long TimestampMillis, KurentoMediaType MediaType, bool Flowing)
    : MediaEvent("MediaFlowOutStateChanged", TimestampMillis);

/// <summary>BaseRtpEndpoint's ConnectionStateChanged; also delivered as MediaStateChanged (same payload).</summary>
internal sealed record ConnectionStateChangedEvent(long TimestampMillis, bool OldConnected, bool NewConnected)
    : MediaEvent("ConnectionStateChanged", TimestampMillis);

internal sealed record ElementConnectionEvent(string Type, long TimestampMillis, string SinkId, KurentoMediaType MediaType)
    : MediaEvent(Type, TimestampMillis);

/// <summary>Kurento's Error event; <see cref="ErrorType"/> (e.g. UNEXPECTED_PIPELINE_ERROR) becomes <c>data.type</c>.</summary>
internal sealed record MediaErrorEvent(long TimestampMillis, string ErrorType, int ErrorCode, string Description)
    : MediaEvent("Error", TimestampMillis);
