using System.Text.Json;

namespace One2One.Kurento.Internal;

/// <summary>Reads <c>result.value</c> of a reply; a reply of the wrong shape is a <see cref="KurentoException"/>.</summary>
internal static class KurentoReply
{
    public static string GetString(JsonElement result, string request) =>
        TryGetValue(result, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new KurentoException($"The media server's reply to {request} has no string value.");

    public static int GetInt32(JsonElement result, string request) =>
        TryGetValue(result, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new KurentoException($"The media server's reply to {request} has no integer value.");

    public static IReadOnlyList<string> GetStringArray(JsonElement result, string request)
    {
        if (!TryGetValue(result, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw new KurentoException($"The media server's reply to {request} has no array value.");
        }

        var items = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            items.Add(item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw new KurentoException($"The media server's reply to {request} holds a {item.ValueKind} where an id was expected."));
        }

        return items;
    }

    /// <summary>A list of IceConnection (WebRtcEndpoint's <c>IceConnectionState</c>): each component's state.</summary>
    public static IReadOnlyList<IceConnection> GetIceConnections(JsonElement result, string request)
    {
        if (!TryGetValue(result, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw new KurentoException($"The media server's reply to {request} has no array value.");
        }

        var items = new List<IceConnection>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            try
            {
                items.Add(new IceConnection(
                    KurentoEventData.GetInt32(item, "componentId"), KurentoEventData.GetEnum<IceComponentState>(item, "state")));
            }
            catch (FormatException e)
            {
                throw new KurentoException($"The media server's reply to {request} holds a malformed IceConnection: {e.Message}");
            }
        }

        return items;
    }

    private static bool TryGetValue(JsonElement result, out JsonElement value)
    {
        value = default;
        return result.ValueKind == JsonValueKind.Object && result.TryGetProperty("value", out value);
    }
}
