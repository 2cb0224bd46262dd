namespace One2One.MediaServer.Elements;

/// <summary>
/// Kurento's WebRtcEndpoint as an element: maps protocol operations onto its <see cref="IWebRtcSession"/> and
/// turns the session's reports into Kurento events. No media logic lives here.
/// Operations run under the pipeline's gate; observer callbacks arrive on media threads and only read the
/// subscription list and enqueue (the few state fields they write are atomics).
/// </summary>
internal sealed class WebRtcEndpointImpl : MediaElementImpl, IWebRtcSessionObserver
{
    private readonly IWebRtcSession _media;
    private readonly EndpointAdmission.Slot _slot;
    private int _mediaDisposed;
    private int _connected; // 0/1, written by media threads (Interlocked)

    // Guarded by the pipeline's gate.
    private string? _remoteDescription;
    private string? _localDescription;

    /// <param name="slot">Its place under <see cref="MediaServerOptions.MaxEndpoints"/>, given back when its media is disposed.</param>
    public WebRtcEndpointImpl(string id, MediaPipelineImpl pipeline, WebRtcEndpointSettings settings, IWebRtcSessionFactory factory, IMediaObjectOwner? owner, EndpointAdmission.Slot slot)
        : base(id, MediaObjectType.WebRtcEndpoint, pipeline, owner)
    {
        Settings = settings;
        _slot = slot;
        _media = factory.Create(settings, this);
    }

    public WebRtcEndpointSettings Settings { get; }

    public bool IsConnected => Volatile.Read(ref _connected) == 1;

    public ValueTask<string> ProcessOfferAsync(string offer) =>
        Pipeline.RunAsync(this, () =>
        {
            var answer = _media.ProcessOffer(offer);
            _remoteDescription = offer;
            _localDescription = answer;
            return answer;
        });

    public ValueTask GatherCandidatesAsync() => Pipeline.RunAsync(this, null, _media.GatherCandidates);

    public ValueTask AddIceCandidateAsync(RemoteIceCandidate candidate) =>
        Pipeline.RunAsync(this, null, () => _media.AddRemoteCandidate(candidate));

    public ValueTask SetMaxVideoRecvBandwidthAsync(int kilobitsPerSecond) =>
        Pipeline.RunAsync(this, null, () => _media.SetMaxVideoRecvBandwidth(kilobitsPerSecond));

    public ValueTask RequestKeyframeAsync() => Pipeline.RunAsync(this, null, _media.RequestKeyframe);

    public ValueTask<KurentoIceState> GetIceStateAsync() => Pipeline.RunAsync(this, () => _media.IceState);

    public ValueTask<bool> IsMediaFlowingInAsync(KurentoMediaType kind) => Pipeline.RunAsync(this, () => _media.IsMediaFlowingIn(kind));

    public ValueTask<bool> IsMediaFlowingOutAsync(KurentoMediaType kind) => Pipeline.RunAsync(this, () => _media.IsMediaFlowingOut(kind));

    public ValueTask<IReadOnlyList<WebRtcStreamStats>> GetStatsAsync() => Pipeline.RunAsync(this, _media.GetStats);

    public ValueTask<string?> GetLocalDescriptionAsync() => Pipeline.RunAsync(this, () => _localDescription);

    public ValueTask<string?> GetRemoteDescriptionAsync() => Pipeline.RunAsync(this, () => _remoteDescription);

    protected override void StartRelay(MediaElementImpl sink, KurentoMediaType kind) => _media.AddSink(MediaOf(sink), kind);

    protected override void StopRelay(MediaElementImpl sink, KurentoMediaType kind) => _media.RemoveSink(MediaOf(sink), kind);

    internal override async ValueTask DisposeMediaAsync()
    {
        if (Interlocked.Exchange(ref _mediaDisposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _media.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing dispose must not stop the release of the other elements.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ElementsLog.MediaDisposeFailed(MediaSet.Logger, ex, Id);
        }
        finally
        {
            // Every release path (the endpoint, its pipeline, its session closed or collected, shutdown) ends here, once.
            _slot.Release();
        }
    }

    private static IWebRtcSession MediaOf(MediaElementImpl element) => element switch
    {
        WebRtcEndpointImpl endpoint => endpoint._media,
        _ => throw new InvalidOperationException($"Element {element.Id} has no WebRTC media."),
    };

    // IWebRtcSessionObserver: media threads; enqueue only.

    void IWebRtcSessionObserver.IceCandidateFound(string candidate, string sdpMid, int sdpMLineIndex)
    {
        if (IsSubscribed("IceCandidateFound"))
        {
            Raise(new IceCandidateFoundEvent(NowMillis(), candidate, sdpMid, sdpMLineIndex));
        }
    }

    void IWebRtcSessionObserver.IceGatheringDone()
    {
        if (IsSubscribed("IceGatheringDone"))
        {
            Raise(new IceGatheringDoneEvent(NowMillis()));
        }
    }

    void IWebRtcSessionObserver.IceComponentStateChanged(int streamId, int componentId, KurentoIceState state)
    {
        if (IsSubscribed("IceComponentStateChanged"))
        {
            Raise(new IceComponentStateChangedEvent(NowMillis(), streamId, componentId, state));
        }
    }

    void IWebRtcSessionObserver.NewCandidatePairSelected(string streamId, int componentId, string localCandidate, string remoteCandidate)
    {
        if (IsSubscribed("NewCandidatePairSelected"))
        {
            Raise(new NewCandidatePairSelectedEvent(NowMillis(), streamId, componentId, localCandidate, remoteCandidate));
        }
    }

    void IWebRtcSessionObserver.DtlsConnectionStateChanged(DtlsConnectionState state)
    {
        if (IsSubscribed("DtlsConnectionStateChange"))
        {
            Raise(new DtlsConnectionStateChangeEvent(NowMillis(), Id, state));
        }
    }

    void IWebRtcSessionObserver.MediaFlowInStateChanged(KurentoMediaType kind, bool flowing)
    {
        if (IsSubscribed("MediaFlowInStateChanged"))
        {
            Raise(new MediaFlowInStateChangedEvent(NowMillis(), kind, flowing));
        }
    }

    void IWebRtcSessionObserver.MediaFlowOutStateChanged(KurentoMediaType kind, bool flowing)
    {
        if (IsSubscribed("MediaFlowOutStateChanged"))
        {
            Raise(new MediaFlowOutStateChangedEvent(NowMillis(), kind, flowing));
        }
    }

    void IWebRtcSessionObserver.ConnectionStateChanged(bool connected)
    {
        var old = Interlocked.Exchange(ref _connected, connected ? 1 : 0) == 1;
        if (old != connected && IsSubscribed("ConnectionStateChanged"))
        {
            Raise(new ConnectionStateChangedEvent(NowMillis(), old, connected));
        }
    }

    void IWebRtcSessionObserver.Error(string type, int errorCode, string description)
    {
        if (IsSubscribed("Error"))
        {
            Raise(new MediaErrorEvent(NowMillis(), type, errorCode, description));
        }
    }
}
