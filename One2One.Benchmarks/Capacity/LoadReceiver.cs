using System.Buffers.Binary;
using System.Runtime.InteropServices;
using static One2One.MediaServer.Rtc.Transport.LinuxDatagrams;

namespace One2One.Benchmarks.Capacity;

/// <summary>
/// Plays every browser's receiving side on one thread: epoll over all their sockets, recvmmsg on each that is ready,
/// and the kernel's receive timestamp of each datagram (SO_TIMESTAMPNS), so the latency measured is the media server's
/// (from just before the browser's send to the moment the relayed datagram reached the other browser's socket), not how
/// soon this thread got to read it.
/// </summary>
/// <remarks>Threading: its thread owns the buffers and the histogram; the run reads the histogram after <see cref="Pause"/>.</remarks>
internal sealed class LoadReceiver
{
    private const int Batch = 32;
    private const int Slot = 1500;
    private const int ControlSlot = 64;

    private readonly int _epoll = LinuxNet.epoll_create1(0);
    private readonly List<LoadBrowser> _browsers = [];
    private readonly Lock _gate = new();
    private readonly byte[] _buffers = GC.AllocateUninitializedArray<byte>(Batch * Slot, pinned: true);
    private readonly byte[] _controls = GC.AllocateArray<byte>(Batch * ControlSlot, pinned: true);
    private readonly IoVector[] _vectors = GC.AllocateArray<IoVector>(Batch, pinned: true);
    private readonly MessageHeader[] _headers = GC.AllocateArray<MessageHeader>(Batch, pinned: true);
    private readonly LinuxNet.EpollEvent[] _ready = new LinuxNet.EpollEvent[256];
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile bool _paused;

    public LoadReceiver()
    {
        for (var i = 0; i < Batch; i++)
        {
            _vectors[i] = new IoVector { Base = Marshal.UnsafeAddrOfPinnedArrayElement(_buffers, i * Slot), Length = Slot };
            _headers[i].IoVectors = Marshal.UnsafeAddrOfPinnedArrayElement(_vectors, i);
            _headers[i].IoVectorCount = 1;
            _headers[i].Control = Marshal.UnsafeAddrOfPinnedArrayElement(_controls, i * ControlSlot);
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "load receiver" };
    }

    /// <summary>Latencies since the last <see cref="Clear"/>; read it only while paused.</summary>
    public LatencyHistogram Latencies { get; } = new();

    public void Start() => _thread.Start();

    public void Add(LoadBrowser browser)
    {
        int index;
        lock (_gate)
        {
            index = _browsers.Count;
            _browsers.Add(browser);
        }

        var ev = new LinuxNet.EpollEvent { Events = LinuxNet.EpollIn, Data = (ulong)index };
        if (LinuxNet.epoll_ctl(_epoll, LinuxNet.EpollCtlAdd, (int)browser.Socket.SafeHandle.DangerousGetHandle(), ref ev) != 0)
        {
            throw new InvalidOperationException($"epoll_ctl failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Stops recording latencies (datagrams are still read and counted) until <see cref="Clear"/>.</summary>
    public void Pause()
    {
        _paused = true;
        Thread.Sleep(20);
    }

    public void Clear()
    {
        Latencies.Clear();
        _paused = false;
    }

    public void Stop()
    {
        _stopping = true;
        _thread.Join();
        LinuxNet.close(_epoll);
    }

    private void Run()
    {
        var discard = new LatencyHistogram();
        while (!_stopping)
        {
            var ready = LinuxNet.epoll_wait(_epoll, _ready, _ready.Length, 100);
            for (var i = 0; i < ready; i++)
            {
                LoadBrowser browser;
                lock (_gate)
                {
                    browser = _browsers[(int)_ready[i].Data];
                }

                ReadAll(browser, _paused ? discard : Latencies);
            }

            discard.Clear();
        }
    }

    private void ReadAll(LoadBrowser browser, LatencyHistogram latencies)
    {
        var fd = browser.Socket.SafeHandle.DangerousGetHandle();
        for (var i = 0; i < Batch; i++)
        {
            _headers[i].ControlLength = ControlSlot;
            _headers[i].Flags = 0;
        }

        var received = LinuxNet.recvmmsg(fd, ref _headers[0], Batch, LinuxNet.MsgDontWait, 0);
        for (var i = 0; i < received; i++)
        {
            browser.OnReceived(_buffers.AsSpan(i * Slot, (int)_headers[i].Length), ReceiveTime(i), latencies);
        }
    }

    /// <summary>The SCM_TIMESTAMPNS control message of datagram <paramref name="index"/> (cmsghdr: length, level, type; then a timespec).</summary>
    private long ReceiveTime(int index)
    {
        var control = _controls.AsSpan(index * ControlSlot, (int)Math.Min(_headers[index].ControlLength, ControlSlot));
        while (control.Length >= 32)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(control);
            var level = BinaryPrimitives.ReadInt32LittleEndian(control[8..]);
            var type = BinaryPrimitives.ReadInt32LittleEndian(control[12..]);
            if (level == LinuxNet.SolSocket && type == LinuxNet.SoTimestampNs)
            {
                var seconds = BinaryPrimitives.ReadInt64LittleEndian(control[16..]);
                var nanoseconds = BinaryPrimitives.ReadInt64LittleEndian(control[24..]);
                return (seconds * 1_000_000) + (nanoseconds / 1000);
            }

            if (length < 16)
            {
                break;
            }

            control = control[Math.Min(control.Length, (length + 7) & ~7)..];
        }

        return LinuxNet.RealtimeMicroseconds();
    }
}
