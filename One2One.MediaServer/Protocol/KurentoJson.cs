using System.Text.Json;
using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Protocol;

/// <summary>Kurento's enum spellings and the reading of typed parameters out of <c>params</c>/<c>operationParams</c>.</summary>
internal static class KurentoJson
{
    public static string Name(KurentoMediaType type) => type switch
    {
        KurentoMediaType.Audio => "AUDIO",
        KurentoMediaType.Video => "VIDEO",
        _ => "DATA",
    };

    public static string Name(KurentoIceState state) => state switch
    {
        KurentoIceState.Disconnected => "DISCONNECTED",
        KurentoIceState.Gathering => "GATHERING",
        KurentoIceState.Connecting => "CONNECTING",
        KurentoIceState.Connected => "CONNECTED",
        KurentoIceState.Ready => "READY",
        _ => "FAILED",
    };

    public static string Name(DtlsConnectionState state) => state switch
    {
        DtlsConnectionState.New => "NEW",
        DtlsConnectionState.Connecting => "CONNECTING",
        DtlsConnectionState.Connected => "CONNECTED",
        DtlsConnectionState.Closed => "CLOSED",
        _ => "FAILED",
    };

    public static bool TryParseMediaType(string text, out KurentoMediaType type)
    {
        switch (text)
        {
            case "AUDIO":
                type = KurentoMediaType.Audio;
                return true;
            case "VIDEO":
                type = KurentoMediaType.Video;
                return true;
            case "DATA":
                type = KurentoMediaType.Data;
                return true;
            default:
                type = default;
                return false;
        }
    }

    public static void WriteTag(Utf8JsonWriter w, string key, string value)
    {
        w.WriteStartObject();
        w.WriteString("__module__", "kurento");
        w.WriteString("__type__", "Tag");
        w.WriteString("key", key);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    /// <summary>
    /// False when a string or property name of <paramref name="json"/> (which has parsed) escapes a lone surrogate ("\ud800"):
    /// valid JSON (RFC 8259 §8.2) but not text, on which <see cref="JsonElement.GetString"/> and
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> throw. Checked once, before anything reads the request.
    /// </summary>
    public static bool StringsAreText(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    _ = reader.GetString();
                }
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        return true;
    }

    // Request-level members (object, type, operation...): a missing or mistyped one is -32602 INVALID_PARAMS, as KMS's JsonRpc::getValue.

    public static JsonElement RequireParams(JsonElement? parameters) =>
        parameters ?? throw KurentoErrors.InvalidParams("'params' is required");

    public static string RequireMember(JsonElement parameters, string name) =>
        TryGetString(parameters, name) ?? throw KurentoErrors.InvalidParams($"'{name}' parameter should be a string");

    /// <summary>A string member, or null when absent, null or not a string.</summary>
    public static string? TryGetString(JsonElement? parameters, string name) =>
        parameters is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    // Operation and constructor parameters: a missing or malformed one is 40107 MEDIA_OBJECT_ILLEGAL_PARAM_ERROR.

    public static string RequireString(JsonElement? parameters, string name) =>
        TryGetString(parameters, name) ?? throw KurentoErrors.IllegalParam($"'{name}' parameter is required and must be a string");

    public static bool? OptionalBool(JsonElement? parameters, string name)
    {
        if (parameters is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw KurentoErrors.IllegalParam($"'{name}' parameter must be a boolean"),
        };
    }

    public static KurentoMediaType? OptionalMediaType(JsonElement? parameters, string name = "mediaType")
    {
        if (parameters is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String && TryParseMediaType(v.GetString()!, out var type)
            ? type
            : throw KurentoErrors.IllegalParam($"'{name}' must be one of AUDIO, VIDEO, DATA");
    }

    public static KurentoMediaType RequireMediaType(JsonElement? parameters, string name = "mediaType") =>
        OptionalMediaType(parameters, name) ?? throw KurentoErrors.IllegalParam($"'{name}' parameter is required");

    /// <summary>The raw JSON of a member, or null when absent.</summary>
    public static JsonElement? TryGetMember(JsonElement? parameters, string name) =>
        parameters is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
}
