using System.Globalization;
using System.Text;

namespace One2One.Server.Calls;

/// <summary>The rules for a registered name: trimmed, 1 to 64 characters, no control or invisible formatting characters.</summary>
public static class UserName
{
    public const int MaxLength = 64;

    /// <summary>Names are unique regardless of case: "Alice" and "alice" are the same person.</summary>
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    public static bool TryNormalize(string? raw, out string name, out string error)
    {
        name = (raw ?? "").Trim();
        error = "";
        if (name.Length == 0)
        {
            error = "A name is required.";
            return false;
        }

        var length = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (rune == Rune.ReplacementChar && !name.Contains('\uFFFD', StringComparison.Ordinal))
            {
                error = "The name is not valid text.";
                return false;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned)
            {
                error = "The name may not contain control or invisible characters.";
                return false;
            }

            length++;
        }

        if (length > MaxLength)
        {
            error = $"The name may be at most {MaxLength} characters long.";
            return false;
        }

        return true;
    }
}
