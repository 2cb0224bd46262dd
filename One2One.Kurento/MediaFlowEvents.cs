using System.Text.Json;
using One2One.Kurento.Internal;

namespace One2One.Kurento;

/// <summary>Media of one type started or stopped arriving at an element.</summary>
public sealed record MediaFlowInStateChanged(MediaFlowState State, MediaType MediaType, string PadName) : IKurentoEvent<MediaFlowInStateChanged>
{
    public static string EventType => "MediaFlowInStateChanged";

    public static string? LegacyEventType => "MediaFlowInStateChange";

    public static MediaFlowInStateChanged Parse(JsonElement data) => new(
        KurentoEventData.GetEnum<MediaFlowState>(data, "state"),
        KurentoEventData.GetEnum<MediaType>(data, "mediaType"),
        KurentoEventData.GetOptionalString(data, "padName") ?? "");
}

/// <summary>Media of one type started or stopped leaving an element.</summary>
public sealed record MediaFlowOutStateChanged(MediaFlowState State, MediaType MediaType, string PadName) : IKurentoEvent<MediaFlowOutStateChanged>
{
    public static string EventType => "MediaFlowOutStateChanged";

    public static string? LegacyEventType => "MediaFlowOutStateChange";

    public static MediaFlowOutStateChanged Parse(JsonElement data) => new(
        KurentoEventData.GetEnum<MediaFlowState>(data, "state"),
        KurentoEventData.GetEnum<MediaType>(data, "mediaType"),
        KurentoEventData.GetOptionalString(data, "padName") ?? "");
}
