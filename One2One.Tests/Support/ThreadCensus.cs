using System.Diagnostics;

namespace One2One.Tests.Support;

/// <summary>
/// The threads of this process at one moment, by name (Linux: /proc/self/task/*/comm, which shows at most 15
/// characters; elsewhere only the total is known).
/// </summary>
internal sealed class ThreadCensus
{
    private ThreadCensus(int total, IReadOnlyDictionary<string, int> byName)
    {
        Total = total;
        ByName = byName;
    }

    public int Total { get; }

    public IReadOnlyDictionary<string, int> ByName { get; }

    public static ThreadCensus Take()
    {
        if (!OperatingSystem.IsLinux())
        {
            using var process = Process.GetCurrentProcess();
            return new ThreadCensus(process.Threads.Count, new Dictionary<string, int>());
        }

        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string name;
            try
            {
                name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // the thread ended while we looked
            }

            total++;
            byName[name] = byName.GetValueOrDefault(name) + 1;
        }

        return new ThreadCensus(total, byName);
    }

    public int Named(string prefix) => ByName.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(p => p.Value);

    public override string ToString() =>
        $"{Total} threads: " + string.Join(", ", ByName.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} x{p.Value}"));
}
