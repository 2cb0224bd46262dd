using System.Runtime.InteropServices;

namespace One2One.Benchmarks.Capacity;

/// <summary>
/// What the load generator needs of Linux that .NET does not offer: epoll over a thousand browser sockets, recvmmsg
/// with the kernel's receive timestamps (SO_TIMESTAMPNS), and CLOCK_REALTIME to compare them with.
/// </summary>
internal static class LinuxNet
{
    public const int SolSocket = 1;
    public const int SoTimestampNs = 35;
    public const int EpollIn = 1;
    public const int EpollCtlAdd = 1;
    public const int MsgDontWait = 0x40;
    private const int ClockRealtime = 0;

    [DllImport("libc", SetLastError = true)]
    public static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true)]
    public static extern int epoll_ctl(int epfd, int op, int fd, ref EpollEvent ev);

    [DllImport("libc", SetLastError = true)]
    public static extern int epoll_wait(int epfd, [Out] EpollEvent[] events, int maxEvents, int timeout);

    [DllImport("libc", SetLastError = true)]
    public static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    public static extern int recvmmsg(nint socket, ref One2One.MediaServer.Rtc.Transport.LinuxDatagrams.MessageHeader messages, uint count, int flags, nint timeout);

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Microseconds of CLOCK_REALTIME, the clock SO_TIMESTAMPNS stamps datagrams with.</summary>
    public static long RealtimeMicroseconds()
    {
        ClockGetTime(ClockRealtime, out var time);
        return (time.Seconds * 1_000_000) + (time.Nanoseconds / 1000);
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
