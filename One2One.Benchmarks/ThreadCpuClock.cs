using System.Runtime.InteropServices;

namespace One2One.Benchmarks;

/// <summary>The calling thread's CPU time in nanoseconds (Linux CLOCK_THREAD_CPUTIME_ID), for spans shorter than /proc's 10 ms ticks.</summary>
internal static class ThreadCpuClock
{
    private const int ThreadCpuClockId = 3; // CLOCK_THREAD_CPUTIME_ID

    public static long Nanoseconds()
    {
        if (ClockGetTime(ThreadCpuClockId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
