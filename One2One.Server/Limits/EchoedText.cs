namespace One2One.Server.Limits;

/// <summary>
/// Shortens text taken from a request before a reply repeats it, so no reply grows with its input (an unknown-user
/// rejection would otherwise carry back a name as long as the largest message the hub accepts).
/// </summary>
public static class EchoedText
{
    /// <summary>Characters kept; the longest valid name fits.</summary>
    public const int MaxLength = 64;

    public static string Shorten(string? text)
    {
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length <= MaxLength)
        {
            return trimmed;
        }

        // Never keep half of a surrogate pair.
        var length = char.IsHighSurrogate(trimmed[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return string.Concat(trimmed.AsSpan(0, length), "…");
    }
}
