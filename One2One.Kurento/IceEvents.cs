using System.Text.Json;
using One2One.Kurento.Internal;

namespace One2One.Kurento;

/// <summary>A local ICE candidate of a WebRtcEndpoint, to be sent to the browser.</summary>
public sealed record IceCandidateFound(KurentoIceCandidate Candidate) : IKurentoEvent<IceCandidateFound>
{
    public static string EventType => "IceCandidateFound";

    public static string? LegacyEventType => "OnIceCandidate";

    public static IceCandidateFound Parse(JsonElement data)
    {
        var candidate = KurentoEventData.GetObject(data, "candidate");
        return new IceCandidateFound(new KurentoIceCandidate(
            KurentoEventData.GetString(candidate, "candidate"),
            KurentoEventData.GetString(candidate, "sdpMid"),
            KurentoEventData.GetInt32(candidate, "sdpMLineIndex")));
    }
}

public sealed record IceGatheringDone : IKurentoEvent<IceGatheringDone>
{
    public static string EventType => "IceGatheringDone";

    public static string? LegacyEventType => "OnIceGatheringDone";

    public static IceGatheringDone Parse(JsonElement data)
    {
        KurentoEventData.RequireObject(data);
        return new IceGatheringDone();
    }
}

public sealed record IceComponentStateChanged(int StreamId, int ComponentId, IceComponentState State) : IKurentoEvent<IceComponentStateChanged>
{
    public static string EventType => "IceComponentStateChanged";

    public static string? LegacyEventType => "OnIceComponentStateChanged";

    public static IceComponentStateChanged Parse(JsonElement data) => new(
        KurentoEventData.GetInt32(data, "streamId"),
        KurentoEventData.GetInt32(data, "componentId"),
        KurentoEventData.GetEnum<IceComponentState>(data, "state"));
}

/// <summary>The candidate pair ICE chose: a relay candidate here means media goes through TURN.</summary>
public sealed record NewCandidatePairSelected(string LocalCandidate, string RemoteCandidate) : IKurentoEvent<NewCandidatePairSelected>
{
    public static string EventType => "NewCandidatePairSelected";

    public static string? LegacyEventType => null;

    public static NewCandidatePairSelected Parse(JsonElement data)
    {
        var pair = KurentoEventData.GetObject(data, "candidatePair");
        return new NewCandidatePairSelected(
            KurentoEventData.GetString(pair, "localCandidate"),
            KurentoEventData.GetString(pair, "remoteCandidate"));
    }
}

/// <summary>One ICE component's state, as WebRtcEndpoint's <c>getIceConnectionState</c> reads it (KMS's IceConnection).</summary>
public sealed record IceConnection(int ComponentId, IceComponentState State);
