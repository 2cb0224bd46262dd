using System.Globalization;
using System.Text;

namespace One2One.Server.Calls;

/// <summary>
/// The rules for a registered name: trimmed, 1 to 64 characters, no control or invisible formatting characters, and one
/// spelling for what looks alike: compatibility forms folded (NFKC: a composed "é" and "e" with a combining accent are
/// one name, so are fullwidth "ａｌｉｃｅ" and "alice"), every run of spaces one space (a page shows runs as one), and
/// no name that mixes Latin, Greek and Cyrillic letters (a Cyrillic "а" in "аlice" would pass for alice).
/// </summary>
/// <remarks>
/// Names are compared after this form is taken, so lookups, uniqueness (here and cluster-wide) and a page's echo of a
/// name all agree. What is left: a name written wholly in another script that looks like a Latin one (Cyrillic "асе"
/// and Latin "ace"), which needs Unicode's confusables data (UTS #39) to tell.
/// </remarks>
public static class UserName
{
    public const int MaxLength = 64;

    /// <summary>Names are unique regardless of case: "Alice" and "alice" are the same person.</summary>
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>
    /// Whether this process can take a name's one form: it needs ICU's normalization data, which globalization-invariant
    /// mode (<c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT</c>) turns off. Nodes that could not would let lookalikes through and
    /// disagree with the others on which names are one, so the server does not start without it.
    /// </summary>
    public static bool CanFold { get; } = "e\u0301\uFF41".Normalize(NormalizationForm.FormKC) == "\u00E9a";

    /// <summary>Whether <paramref name="raw"/>, as a page sent it, names the person registered as <paramref name="name"/>.</summary>
    public static bool Matches(string name, string? raw) => TryNormalize(raw, out var other, out _) && Comparer.Equals(name, other);

    public static bool TryNormalize(string? raw, out string name, out string error)
    {
        name = "";
        var trimmed = (raw ?? "").Trim();
        if (trimmed.Length == 0)
        {
            error = "A name is required.";
            return false;
        }

        // Checked before NFKC, which cannot take broken text and would turn some invisible characters into nothing.
        if (!IsPlainText(trimmed, out error))
        {
            return false;
        }

        var folded = CollapseSpaces(trimmed.Normalize(NormalizationForm.FormKC));
        if (!IsPlainText(folded, out error))
        {
            return false;
        }

        if (Scripts.Mixed(folded))
        {
            error = "The name may not mix Latin, Greek and Cyrillic letters.";
            return false;
        }

        var length = 0;
        foreach (var _ in folded.EnumerateRunes())
        {
            length++;
        }

        if (length > MaxLength)
        {
            error = $"The name may be at most {MaxLength} characters long.";
            return false;
        }

        name = folded;
        return true;
    }

    private static bool IsPlainText(string text, out string error)
    {
        error = "";
        for (var rest = text.AsSpan(); !rest.IsEmpty;)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                error = "The name is not valid text.";
                return false;
            }

            rest = rest[used..];
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned || IsInvisible(rune.Value))
            {
                error = "The name may not contain control or invisible characters.";
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Characters that show nothing although they are neither controls nor formatting: Unicode's default-ignorable ones
    /// outside the Format category (variation selectors, the combining grapheme joiner, Hangul fillers, Khmer's inherent
    /// vowels, Mongolian selectors) and the blank braille pattern. "alice" with one of them after it looks like alice.
    /// </summary>
    private static bool IsInvisible(int c) => c is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x2800 or 0x3164 or 0xFFA0
        or (>= 0x180B and <= 0x180F) or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);

    /// <summary>Trimmed, each run of spaces one plain space.</summary>
    private static string CollapseSpaces(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>The three scripts whose letters pass for one another.</summary>
    private static class Scripts
    {
        private const int None = 0, Latin = 1, Greek = 2, Cyrillic = 4;

        public static bool Mixed(string text)
        {
            var seen = None;
            foreach (var rune in text.EnumerateRunes())
            {
                if (Rune.IsLetter(rune))
                {
                    seen |= Of(rune.Value);
                }
            }

            return seen is not (None or Latin or Greek or Cyrillic);
        }

        private static int Of(int c) => c switch
        {
            (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') => Latin,
            >= 0x00C0 and <= 0x02AF => Latin, // Latin-1 letters, Latin Extended-A and -B, IPA
            >= 0x1E00 and <= 0x1EFF => Latin, // Latin Extended Additional
            (>= 0x2C60 and <= 0x2C7F) or (>= 0xA720 and <= 0xA7FF) or (>= 0xAB30 and <= 0xAB6F) => Latin,
            (>= 0x0370 and <= 0x03FF) or (>= 0x1F00 and <= 0x1FFF) => Greek,
            (>= 0x0400 and <= 0x052F) or (>= 0x1C80 and <= 0x1C8F) or (>= 0x2DE0 and <= 0x2DFF) or (>= 0xA640 and <= 0xA69F) => Cyrillic,
            _ => None,
        };
    }
}
