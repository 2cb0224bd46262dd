using System.Globalization;
using System.Text.Json;

namespace One2One.Kurento.Internal;

/// <summary>
/// Reads fields of an event's <c>params.value.data</c>. Unknown fields are ignored; a missing or mistyped field
/// throws <see cref="FormatException"/>, which the dispatcher logs before dropping the event.
/// </summary>
internal static class KurentoEventData
{
    public static void RequireObject(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Event data is {data.ValueKind}, not an object.");
        }
    }

    public static JsonElement GetObject(JsonElement data, string name)
    {
        var field = Get(data, name);
        return field.ValueKind == JsonValueKind.Object ? field : throw Malformed(name, "an object");
    }

    public static string GetString(JsonElement data, string name) =>
        GetOptionalString(data, name) ?? throw Malformed(name, "a string");

    public static string? GetOptionalString(JsonElement data, string name)
    {
        RequireObject(data);
        if (!data.TryGetProperty(name, out var field) || field.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return field.ValueKind == JsonValueKind.String ? field.GetString() : throw Malformed(name, "a string");
    }

    /// <summary>A number, or a number in a string (Kurento's own types differ between versions, e.g. streamId).</summary>
    public static int GetInt32(JsonElement data, string name)
    {
        var field = Get(data, name);
        if (field.ValueKind == JsonValueKind.Number && field.TryGetInt32(out int number))
        {
            return number;
        }

        if (field.ValueKind == JsonValueKind.String
            && int.TryParse(field.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return number;
        }

        throw Malformed(name, "an integer");
    }

    public static TEnum GetEnum<TEnum>(JsonElement data, string name) where TEnum : struct, Enum
    {
        var field = Get(data, name);
        return field.ValueKind == JsonValueKind.String && KurentoWireNames.TryParse(field.GetString(), out TEnum value)
            ? value
            : throw Malformed(name, $"a {typeof(TEnum).Name}");
    }

    private static JsonElement Get(JsonElement data, string name)
    {
        RequireObject(data);
        return data.TryGetProperty(name, out var field) ? field : throw new FormatException($"Event field '{name}' is missing.");
    }

    private static FormatException Malformed(string name, string expected) => new($"Event field '{name}' is not {expected}.");
}
