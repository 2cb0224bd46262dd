using System.Text;

namespace One2One.Tests.ClientSdk;

/// <summary>The lines only in one text ("- n: ...") or only in the other ("+ n: ..."), by longest common subsequence.</summary>
internal static class LineDiff
{
    public static string Between(string actual, string expected)
    {
        var a = actual.ReplaceLineEndings("\n").Split('\n');
        var b = expected.ReplaceLineEndings("\n").Split('\n');

        // common[i, j]: the length of the longest common subsequence of a[i..] and b[j..].
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = string.Equals(a[i], b[j], StringComparison.Ordinal)
                    ? common[i + 1, j + 1] + 1
                    : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var diff = new StringBuilder();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && string.Equals(a[x], b[y], StringComparison.Ordinal))
            {
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || common[x, y + 1] >= common[x + 1, y]))
            {
                diff.Append($"+ {y + 1}: {b[y]}\n");
                y++;
            }
            else
            {
                diff.Append($"- {x + 1}: {a[x]}\n");
                x++;
            }
        }

        return diff.ToString();
    }
}
