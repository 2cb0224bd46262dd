namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>
/// The offer's own text as error messages quote it: at most <see cref="MaxQuoted"/> characters of any token. An error goes
/// back to the control client and from there (the call server) to both pages of the call and into logs, so what a browser
/// put in its offer must not come back whole.
/// </summary>
internal static class SdpText
{
    public const int MaxQuoted = 40;

    public static string Shorten(string text)
    {
        if (text.Length <= MaxQuoted)
        {
            return text;
        }

        // Never keep half of a surrogate pair.
        var length = char.IsHighSurrogate(text[MaxQuoted - 1]) ? MaxQuoted - 1 : MaxQuoted;
        return string.Concat(text.AsSpan(0, length), "...");
    }

    /// <summary>"m= line 2" or "m= line 2 (mid 1)".</summary>
    public static string MediaLabel(int index, string? mid) =>
        mid is null ? $"m= line {index}" : $"m= line {index} (mid {Shorten(mid)})";
}
