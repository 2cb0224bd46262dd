namespace One2One.Kurento.Internal;

/// <summary>Kurento's spelling of enum values on the wire: upper case with underscores (NOT_FLOWING, VIDEO).</summary>
internal static class KurentoWireNames
{
    public static string Of(MediaType type) => type switch
    {
        MediaType.Audio => "AUDIO",
        MediaType.Video => "VIDEO",
        MediaType.Data => "DATA",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown media type."),
    };

    /// <summary>Parses "NOT_FLOWING" as NotFlowing; rejects numbers and names the enum does not define.</summary>
    public static bool TryParse<TEnum>(string? wire, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        if (string.IsNullOrEmpty(wire) || wire.Length > 64)
        {
            return false;
        }

        Span<char> name = stackalloc char[wire.Length];
        int length = 0;
        foreach (char c in wire)
        {
            if (c == '_')
            {
                continue;
            }

            if (!char.IsAsciiLetter(c))
            {
                return false;
            }

            name[length++] = c;
        }

        return length > 0 && Enum.TryParse(name[..length], ignoreCase: true, out value) && Enum.IsDefined(value);
    }
}
