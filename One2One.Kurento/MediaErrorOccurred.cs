using System.Text.Json;
using One2One.Kurento.Internal;

namespace One2One.Kurento;

/// <summary>
/// Kurento's <c>Error</c> event: <c>type</c> is the error kind, e.g. UNEXPECTED_PIPELINE_ERROR. Kurento's docs
/// ask applications to subscribe to it on every object.
/// </summary>
public sealed record MediaErrorOccurred(string Description, int ErrorCode, string Type) : IKurentoEvent<MediaErrorOccurred>
{
    public static string EventType => "Error";

    public static string? LegacyEventType => null;

    public static MediaErrorOccurred Parse(JsonElement data) => new(
        KurentoEventData.GetOptionalString(data, "description") ?? "",
        KurentoEventData.GetInt32(data, "errorCode"),
        KurentoEventData.GetString(data, "type"));
}
