using System.Text.Json;

namespace One2One.Kurento.Internal;

/// <summary>
/// Whether every string of a JSON message is text. A JSON string may escape a lone surrogate ("\ud800"): valid JSON
/// (RFC 8259 §8.2), but not text, and <see cref="JsonElement.GetString"/>, <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>
/// and the like throw <see cref="InvalidOperationException"/> on it (on a property name too). A message from the media
/// server with one is malformed, dropped before anything reads it.
/// </summary>
internal static class JsonStrings
{
    /// <summary>False when a string or property name of <paramref name="json"/> (which has parsed) escapes a lone surrogate.</summary>
    public static bool AreText(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
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
}
