using One2One.MediaServer.Protocol;

namespace One2One.MediaServer.Elements;

/// <summary>Kurento's MediaType.</summary>
internal enum KurentoMediaType { Audio, Video, Data }

/// <summary>Kurento's IceComponentState.</summary>
internal enum KurentoIceState { Disconnected, Gathering, Connecting, Connected, Ready, Failed }

/// <summary>Kurento's DtlsConnectionState.</summary>
internal enum DtlsConnectionState { New, Connecting, Connected, Closed, Failed }

/// <summary>A candidate from <c>addIceCandidate</c>, as the browser sent it.</summary>
internal sealed record RemoteIceCandidate(string Candidate, string? SdpMid, int? SdpMLineIndex);

/// <summary>Per-stream counters for <c>getStats</c>; <see cref="Inbound"/> is media received from the browser.</summary>
internal sealed record WebRtcStreamStats(KurentoMediaType Kind, bool Inbound, uint Ssrc, string Codec, long Packets, long Bytes, long PacketsDropped);

/// <summary>Constructor parameters of a WebRtcEndpoint that the media machinery needs.</summary>
internal sealed record WebRtcEndpointSettings(string EndpointId, bool RecvOnly = false, bool SendOnly = false);

/// <summary>
/// The WebRTC machinery behind one WebRtcEndpoint element: ICE-lite, DTLS-SRTP and the relay to its sinks.
/// Built in Rtc/ and Relay/; the element layer (protocol) drives it. Methods may be called from any
/// thread; implementations serialize what needs it. Failures are <see cref="KurentoErrorException"/>.
/// </summary>
internal interface IWebRtcSession : IAsyncDisposable
{
    /// <summary>Processes the browser's offer and returns the answer. 40201 for a malformed offer, 40208 if already negotiated.</summary>
    string ProcessOffer(string offer);

    /// <summary>Reports each local candidate, then gathering done, through the observer. 40400 before ProcessOffer.</summary>
    void GatherCandidates();

    /// <summary>Adds a trickled browser candidate. 40401 for a malformed candidate.</summary>
    void AddRemoteCandidate(RemoteIceCandidate candidate);

    /// <summary>Media of <paramref name="kind"/> received by this endpoint is relayed to <paramref name="sink"/> (which may be this endpoint).</summary>
    void AddSink(IWebRtcSession sink, KurentoMediaType kind);

    void RemoveSink(IWebRtcSession sink, KurentoMediaType kind);

    /// <summary>
    /// KMS's maxVideoRecvBandwidth, kbps, 0 for no cap of its own: the answer (if the offer comes later) asks the browser
    /// to keep its video under it, and REMBs relayed to the browser are lowered to it, from now on.
    /// </summary>
    void SetMaxVideoRecvBandwidth(int kilobitsPerSecond);

    /// <summary>Asks the browser for a keyframe on every inbound video stream (PLI).</summary>
    void RequestKeyframe();

    /// <summary>The ICE state last reported through <see cref="IWebRtcSessionObserver.IceComponentStateChanged"/> (KMS's getIceConnectionState).</summary>
    KurentoIceState IceState { get; }

    bool IsMediaFlowingIn(KurentoMediaType kind);

    bool IsMediaFlowingOut(KurentoMediaType kind);

    IReadOnlyList<WebRtcStreamStats> GetStats();
}

/// <summary>
/// What the media machinery reports. Called from socket receive loops and timers, ICE states and selected pairs under
/// the session's own lock (so they keep their order): implementations only enqueue (never block, never throw, never
/// call back into the session).
/// </summary>
internal interface IWebRtcSessionObserver
{
    void IceCandidateFound(string candidate, string sdpMid, int sdpMLineIndex);

    void IceGatheringDone();

    void IceComponentStateChanged(int streamId, int componentId, KurentoIceState state);

    void NewCandidatePairSelected(string streamId, int componentId, string localCandidate, string remoteCandidate);

    void DtlsConnectionStateChanged(DtlsConnectionState state);

    void MediaFlowInStateChanged(KurentoMediaType kind, bool flowing);

    void MediaFlowOutStateChanged(KurentoMediaType kind, bool flowing);

    void ConnectionStateChanged(bool connected);

    void Error(string type, int errorCode, string description);
}

internal interface IWebRtcSessionFactory
{
    IWebRtcSession Create(WebRtcEndpointSettings settings, IWebRtcSessionObserver observer);

    /// <summary>Endpoint transports attached to the media ports (one per live WebRtcEndpoint), for diagnostics and leak tests.</summary>
    int OpenSocketCount { get; }
}
