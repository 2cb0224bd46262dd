namespace One2One.Server.Limits;

/// <summary>
/// Shortens text taken from a request before a reply repeats it, so no reply grows with its input (an unknown-user
/// rejection would otherwise carry back a name as long as the largest message the hub accepts).
/// </summary>
public static class EchoedText
{
    /// <summary>Characters kept; the longest valid name fits.</summary>
    public const int MaxLength = 64;

    public static string Shorten(string? text) => Cut((text ?? "").Trim(), MaxLength);

    /// <summary>The first <paramref name="maxLength"/> characters of <paramref name="text"/> and "…", or all of it if it fits.</summary>
    public static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        // Never keep half of a surrogate pair.
        var length = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return string.Concat(text.AsSpan(0, length), "…");
    }

    /// <summary>
    /// Text from a request made safe for a log line or a person's screen: cut to <paramref name="maxLength"/>, and each
    /// control or format character (a line break, a terminal escape, a bidirectional override) written as <c>\uXXXX</c>,
    /// so that it can neither forge, hide nor reorder what is around it.
    /// </summary>
    public static string Escaped(string? text, int maxLength = MaxLength)
    {
        var cut = Cut(text ?? "", maxLength);
        if (!cut.Any(IsHidden))
        {
            return cut;
        }

        var escaped = new System.Text.StringBuilder(cut.Length + 16);
        foreach (var c in cut)
        {
            _ = IsHidden(c) ? escaped.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:X4}") : escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static bool IsHidden(char c) => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;
}
