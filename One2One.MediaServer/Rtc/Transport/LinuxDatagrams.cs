using System.Runtime.InteropServices;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// Linux's batched datagram calls (recvmmsg(2), sendmmsg(2)) and the structures they take, as laid out on 64-bit
/// Linux. Buffers handed to them live in pinned arrays, so only addresses cross, never managed objects.
/// </summary>
internal static class LinuxDatagrams
{
    public const int SolSocket = 1;
    public const int SoReusePort = 15;

    /// <summary>recvmmsg: block for the first datagram only, then take what is queued.</summary>
    public const int MsgWaitForOne = 0x10000;

    /// <summary>msg_flags: the datagram was longer than the buffer and was cut.</summary>
    public const int MsgTrunc = 0x20;

    public const int EIntr = 4;
    public const int EAgain = 11;

    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    [DllImport("libc", SetLastError = true)]
    public static extern int recvmmsg(nint socket, ref MessageHeader messages, uint count, int flags, nint timeout);

    [DllImport("libc", SetLastError = true)]
    public static extern int sendmmsg(nint socket, ref MessageHeader messages, uint count, int flags);

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public nint Base;
        public nuint Length;
    }

    /// <summary>struct mmsghdr: a struct msghdr and the length the call transferred (64 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    public struct MessageHeader
    {
        [FieldOffset(0)] public nint Name;
        [FieldOffset(8)] public uint NameLength;
        [FieldOffset(16)] public nint IoVectors;
        [FieldOffset(24)] public nuint IoVectorCount;
        [FieldOffset(32)] public nint Control;
        [FieldOffset(40)] public nuint ControlLength;
        [FieldOffset(48)] public int Flags;
        [FieldOffset(56)] public uint Length;
    }
}
