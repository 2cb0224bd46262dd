using System.Globalization;

namespace One2One.LoadTest.Target;

/// <summary>A process's resident memory and CPU time as Linux reports them in /proc/&lt;pid&gt;/status and /stat.</summary>
internal readonly record struct ProcessStats(long ResidentBytes, long ResidentAnonymousBytes, TimeSpan CpuTime)
{
    public static ProcessStats Read(int pid)
    {
        long rss = 0, anon = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anon = Kilobytes(line);
            }
        }

        return new ProcessStats(rss, anon, CpuTimeOf(pid));
    }

    /// <summary>User + system CPU time: fields 14 and 15 of /proc/pid/stat, counted after the command name's closing parenthesis.</summary>
    public static TimeSpan CpuTimeOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)Posix.ClockTicksPerSecond);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
}
