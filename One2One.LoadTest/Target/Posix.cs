using System.Runtime.InteropServices;

namespace One2One.LoadTest.Target;

/// <summary>The few libc calls the tool needs on Linux: signals, the open-file limit, the clock tick.</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;

    private const int RlimitNofile = 7;
    private const int ScClkTck = 2;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>Clock ticks per second, the unit of /proc/pid/stat's CPU times.</summary>
    public static long ClockTicksPerSecond => SysConf(ScClkTck) is > 0 and var ticks ? ticks : 100;

    /// <summary>
    /// Raises this process's open-file limit to at least <paramref name="wanted"/> (the soft limit up to the hard
    /// one, and the hard one too when allowed, as root); child processes inherit it. Returns the soft limit now.
    /// </summary>
    public static ulong RaiseOpenFileLimit(ulong wanted)
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return 0;
        }

        if (limit.Current >= wanted)
        {
            return limit.Current;
        }

        var raised = new RLimit { Current = wanted, Maximum = Math.Max(limit.Maximum, wanted) };
        if (SetRLimit(RlimitNofile, in raised) != 0)
        {
            // Not allowed to raise the hard limit: take what the hard limit allows.
            raised = new RLimit { Current = Math.Min(wanted, limit.Maximum), Maximum = limit.Maximum };
            _ = SetRLimit(RlimitNofile, in raised);
        }

        return GetRLimit(RlimitNofile, out limit) == 0 ? limit.Current : 0;
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
