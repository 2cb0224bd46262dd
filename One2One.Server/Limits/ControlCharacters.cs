using System.Buffers;

namespace One2One.Server.Limits;

/// <summary>The control characters (C0, DEL, C1) text from a page may not hold, for a fast search over a span.</summary>
internal static class ControlCharacters
{
    /// <summary>Every one: what a single line (an ICE candidate, its media id) may not hold.</summary>
    public static readonly SearchValues<char> All = SearchValues.Create(
        Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(char.IsControl).ToArray());

    /// <summary>All but line ends and tabs: what an SDP, text of several lines, may not hold.</summary>
    public static readonly SearchValues<char> InText = SearchValues.Create(
        Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t')).ToArray());
}
