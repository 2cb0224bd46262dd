using System.Globalization;

namespace One2One.LoadTest.Reporting;

/// <summary>What the machine was doing: cores and the load average, to print next to every figure.</summary>
internal static class MachineConditions
{
    public static string Describe()
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[..3] : ["?", "?", "?"];
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), load average {string.Join(' ', load)}, .NET {Environment.Version}");
    }
}
