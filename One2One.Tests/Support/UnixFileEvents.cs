using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace One2One.Tests.Support;

/// <summary>
/// The kernel's record of what happened to the files of one folder (Linux inotify(7)): lets a test see not only how a file
/// ended up but whether its permissions were ever changed after it was created.
/// </summary>
internal sealed class UnixFileEvents : IDisposable
{
    public const uint Modified = 0x2;       // IN_MODIFY
    public const uint AttributesChanged = 0x4; // IN_ATTRIB: chmod, chown, times, link count
    public const uint MovedIn = 0x80;       // IN_MOVED_TO
    public const uint Created = 0x100;      // IN_CREATE

    private const int NonBlocking = 0x800;  // IN_NONBLOCK
    private readonly int _fd;

    public UnixFileEvents(string folder)
    {
        _fd = inotify_init1(NonBlocking);
        if (_fd < 0 || inotify_add_watch(_fd, folder, Modified | AttributesChanged | MovedIn | Created) < 0)
        {
            Dispose();
            throw new InvalidOperationException($"inotify cannot watch {folder} (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>The events so far, as (event mask, file name), in the order they happened.</summary>
    public List<(uint Mask, string Name)> Read()
    {
        var events = new List<(uint, string)>();
        var buffer = new byte[64 * 1024];
        nint read;
        while ((read = read_events(_fd, ref buffer[0], buffer.Length)) > 0)
        {
            // struct inotify_event { int wd; uint32_t mask, cookie, len; char name[len]; }
            for (var offset = 0; offset < read;)
            {
                var mask = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset + 4));
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset + 12));
                var name = Encoding.UTF8.GetString(buffer, offset + 16, length).TrimEnd('\0');
                events.Add((mask, name));
                offset += 16 + length;
            }
        }

        return events;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            close(_fd);
        }
    }

    /// <summary>Sets the process's file-creation mask and returns the previous one. Process-wide: restore it at once.</summary>
    public static UnixFileMode SetUmask(UnixFileMode mask) => (UnixFileMode)umask((uint)mask);

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_init1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_add_watch(int fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mask);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern nint read_events(int fd, ref byte buffer, nint count);

    [DllImport("libc")]
    private static extern int close(int fd);

    [DllImport("libc")]
    private static extern uint umask(uint mask);
}
