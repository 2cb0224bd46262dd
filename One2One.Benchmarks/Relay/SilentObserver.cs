using One2One.MediaServer.Elements;

namespace One2One.Benchmarks.Relay;

/// <summary>Takes the endpoints' events and drops them: the benchmarks have no protocol session to tell.</summary>
internal sealed class SilentObserver : IWebRtcSessionObserver
{
    public static readonly SilentObserver Instance = new();

    public void IceCandidateFound(string candidate, string sdpMid, int sdpMLineIndex)
    {
    }

    public void IceGatheringDone()
    {
    }

    public void IceComponentStateChanged(int streamId, int componentId, KurentoIceState state)
    {
    }

    public void NewCandidatePairSelected(string streamId, int componentId, string localCandidate, string remoteCandidate)
    {
    }

    public void DtlsConnectionStateChanged(DtlsConnectionState state)
    {
    }

    public void MediaFlowInStateChanged(KurentoMediaType kind, bool flowing)
    {
    }

    public void MediaFlowOutStateChanged(KurentoMediaType kind, bool flowing)
    {
    }

    public void ConnectionStateChanged(bool connected)
    {
    }

    public void Error(string type, int errorCode, string description)
    {
    }
}
