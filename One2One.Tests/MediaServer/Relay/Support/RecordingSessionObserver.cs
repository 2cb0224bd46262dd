using System.Collections.Concurrent;
using One2One.MediaServer.Elements;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>One report of a <see cref="IWebRtcSessionObserver"/>, as a value a test can compare.</summary>
internal abstract record SessionEvent;

internal sealed record CandidateFound(string Candidate, string SdpMid, int SdpMLineIndex) : SessionEvent;

internal sealed record GatheringDone : SessionEvent;

internal sealed record IceStateChanged(KurentoIceState State) : SessionEvent;

internal sealed record CandidatePairSelected(string LocalCandidate, string RemoteCandidate) : SessionEvent;

internal sealed record DtlsStateChanged(DtlsConnectionState State) : SessionEvent;

internal sealed record FlowInChanged(KurentoMediaType Kind, bool Flowing) : SessionEvent;

internal sealed record FlowOutChanged(KurentoMediaType Kind, bool Flowing) : SessionEvent;

internal sealed record ConnectionChanged(bool Connected) : SessionEvent;

internal sealed record SessionError(string Type, int Code, string Description) : SessionEvent;

/// <summary>
/// Records what a WebRtcSession reports, in order. Callbacks come from receive loops, the DTLS thread and the
/// monitor's timer; the queue is the only state.
/// </summary>
internal sealed class RecordingSessionObserver : IWebRtcSessionObserver
{
    private readonly ConcurrentQueue<SessionEvent> _events = new();

    public IReadOnlyList<SessionEvent> Events => [.. _events];

    /// <summary>Called on the reporting thread before each event is recorded (a test may hold that thread up here).</summary>
    public Action<SessionEvent>? BeforeRecording { get; set; }

    public IReadOnlyList<T> OfType<T>() where T : SessionEvent => [.. _events.OfType<T>()];

    /// <summary>Waits (bounded) until an event satisfying <paramref name="match"/> was recorded and returns it.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, string? because = null) where T : SessionEvent
    {
        using var timeout = new CancellationTokenSource(SimulatedBrowser.Timeout);
        while (true)
        {
            foreach (var e in _events)
            {
                if (e is T typed && (match is null || match(typed)))
                {
                    return typed;
                }
            }

            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"No {typeof(T).Name} {because}; recorded: {string.Join(", ", _events)}");
            }

            await Task.Delay(10);
        }
    }

    public void IceCandidateFound(string candidate, string sdpMid, int sdpMLineIndex) => Record(new CandidateFound(candidate, sdpMid, sdpMLineIndex));

    public void IceGatheringDone() => Record(new GatheringDone());

    public void IceComponentStateChanged(int streamId, int componentId, KurentoIceState state) => Record(new IceStateChanged(state));

    public void NewCandidatePairSelected(string streamId, int componentId, string localCandidate, string remoteCandidate) =>
        Record(new CandidatePairSelected(localCandidate, remoteCandidate));

    public void DtlsConnectionStateChanged(DtlsConnectionState state) => Record(new DtlsStateChanged(state));

    public void MediaFlowInStateChanged(KurentoMediaType kind, bool flowing) => Record(new FlowInChanged(kind, flowing));

    public void MediaFlowOutStateChanged(KurentoMediaType kind, bool flowing) => Record(new FlowOutChanged(kind, flowing));

    public void ConnectionStateChanged(bool connected) => Record(new ConnectionChanged(connected));

    public void Error(string type, int errorCode, string description) => Record(new SessionError(type, errorCode, description));

    private void Record(SessionEvent e)
    {
        BeforeRecording?.Invoke(e);
        _events.Enqueue(e);
    }
}
