using System.Globalization;

namespace One2One.Benchmarks.Relay;

/// <summary>CPU time from Linux's /proc: of the calling thread, of this process and of the kernel's softirq threads.</summary>
internal static class ThreadCpu
{
    private static readonly double TickSeconds = 1.0 / 100; // USER_HZ

    /// <summary>User plus system time of the calling thread (10 ms resolution).</summary>
    public static TimeSpan CurrentThread() => Read("/proc/thread-self/stat");

    public static TimeSpan Process() => Read("/proc/self/stat");

    /// <summary>The threads of this process whose name starts with <paramref name="prefix"/> (as Linux shows it: at most 15 characters).</summary>
    public static TimeSpan Threads(string prefix)
    {
        var total = TimeSpan.Zero;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
            {
                total += Read(Path.Combine(task, "stat"));
            }
        }

        return total;
    }

    /// <summary>
    /// The ksoftirqd threads' time: network receive work (loopback delivery) runs in the sending thread unless
    /// there is so much of it that these threads take it over; then it is no longer in the process's time.
    /// </summary>
    public static TimeSpan SoftIrqThreads()
    {
        var total = TimeSpan.Zero;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var comm = Path.Combine(directory, "comm");
            if (int.TryParse(Path.GetFileName(directory), out _) && File.Exists(comm)
                && File.ReadAllText(comm).StartsWith("ksoftirqd/", StringComparison.Ordinal))
            {
                total += Read(Path.Combine(directory, "stat"));
            }
        }

        return total;
    }

    /// <summary>Fields 14 and 15 of a stat file (proc(5)), counted after the parenthesized command name.</summary>
    private static TimeSpan Read(string statPath)
    {
        var stat = File.ReadAllText(statPath);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks * TickSeconds);
    }
}
