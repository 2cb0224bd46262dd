namespace One2One.Server.Contracts;

/// <summary>Text the server writes for a page to show (refusals, a call's end).</summary>
public static class PageText
{
    /// <summary>
    /// A person's name as put into a sentence: one with letters written right to left (Hebrew, Arabic, ...) is isolated
    /// (U+2068 FIRST STRONG ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE), so it neither reorders the words around it nor
    /// takes the sentence's punctuation into itself; other names are left as they are. The page does the same with the
    /// names in its own words (One2One.Client/src/names.ts).
    /// </summary>
    public static string Name(string name) => HasRightToLeftLetters(name) ? "\u2068" + name + "\u2069" : name;

    private static bool HasRightToLeftLetters(string name)
    {
        foreach (var rune in name.EnumerateRunes())
        {
            // Hebrew to Arabic Extended-A, their presentation forms, and the right-to-left blocks beyond the BMP.
            if (rune.Value is (>= 0x0590 and <= 0x08FF) or (>= 0xFB1D and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFC)
                or (>= 0x10800 and <= 0x10FFF) or (>= 0x1E800 and <= 0x1EFFF))
            {
                return true;
            }
        }

        return false;
    }
}
