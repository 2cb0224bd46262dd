using System.Net.Sockets;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// One of the port's fixed set of threads: receives on its socket, hands each datagram to the port's dispatch
/// (which runs the whole packet path: ICE, DTLS, SRTP, relay, and queues the sends) and then sends what was queued.
/// </summary>
/// <remarks>
/// Threading: the thread owns its I/O buffers and its <see cref="PacketContext"/>. With SO_REUSEPORT the kernel hashes
/// each remote 4-tuple to one socket, so a browser's datagrams are handled in order by one worker; a transport that
/// hears from several addresses may be entered by several workers, which its receive gate serializes.
/// </remarks>
internal sealed class MediaWorker
{
    /// <summary>The deepest path (a DTLS handshake step, logging) needs a fraction of this.</summary>
    private const int StackSize = 512 * 1024;

    private readonly UdpMediaPort _port;
    private readonly Socket _socket;
    private readonly IDatagramIo _io;
    private readonly PacketContext _context;
    private readonly Thread _thread;
    private volatile bool _stopping;

    public MediaWorker(UdpMediaPort port, Socket socket, IDatagramIo io, int index)
    {
        _port = port;
        _socket = socket;
        _io = io;
        _context = new PacketContext(io.Batch);
        _thread = new Thread(Run, StackSize) { IsBackground = true, Name = $"Media worker {index}" };
    }

    public Thread Thread => _thread;

    public void Start() => _thread.Start();

    /// <summary>How long a worker may take to leave its loop once woken; a handshake step or a log write takes far less.</summary>
    internal static readonly TimeSpan StopWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Wakes the thread out of its receive (shutdown(2) on the socket) and waits for it to end. A thread still busy after
    /// <see cref="StopWait"/> (a stalled machine, a packet path that blocks) has its socket closed, which fails its next
    /// receive; one still running after that is logged and left behind (a background thread) rather than waited for,
    /// so stopping a media server always ends.
    /// </summary>
    /// <returns>Whether the thread ended.</returns>
    public bool Stop()
    {
        _stopping = true;
        if (Thread.CurrentThread == _thread)
        {
            // Stopped from its own packet path: it leaves its loop when this returns; there is nothing to wait for.
            _socket.Close();
            return false;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Not connected: on Linux shutdown still wakes the receive; elsewhere closing the socket does.
        }
        catch (ObjectDisposedException)
        {
            // Closed already.
        }

        if (_thread.Join(StopWait))
        {
            _io.Dispose();
            return true;
        }

        // No I/O holds a reference on the socket between its calls, so the close wakes one in flight and returns.
        _socket.Close();
        if (_thread.Join(StopWait))
        {
            _io.Dispose();
            return true;
        }

        TransportLog.WorkerAbandoned(_port.Logger, _port.Port, _thread.Name ?? "", StopWait * 2);
        return false;
    }

    /// <summary>How long a worker waits after a failed receive before it receives again.</summary>
    internal static readonly TimeSpan ReceiveErrorPause = TimeSpan.FromMilliseconds(50);

    private void Run()
    {
        long? lastErrorLogged = null;
        while (!_stopping)
        {
            int count;
            try
            {
                count = _io.Receive();
            }
            catch (ObjectDisposedException ex)
            {
                // Closed by Stop; closed otherwise, the worker cannot go on, and says so.
                if (!_stopping)
                {
                    TransportLog.ReceiveFailed(_port.Logger, _port.Port, ex);
                }

                return;
            }
            catch (SocketException ex)
            {
                if (_stopping)
                {
                    return;
                }

                // A worker that ended here would leave its share of the port's flows (the kernel hashes them to its socket,
                // still bound) unread, and those calls silent: it goes on after a pause, whatever the error (the kernel
                // short of memory, say), and says so at most once a second.
                var now = Environment.TickCount64;
                if (lastErrorLogged is not { } last || now - last >= 1000)
                {
                    lastErrorLogged = now;
                    TransportLog.ReceiveFailed(_port.Logger, _port.Port, ex);
                }

                Thread.Sleep(ReceiveErrorPause);
                continue;
            }

            for (var i = 0; i < count && !_stopping; i++)
            {
                var buffer = _io.Buffer(i, out var length, out var truncated);
                try
                {
                    _port.Dispatch(buffer, length, truncated, _io.Sender(i), _context);
                }
                catch (Exception ex)
                {
                    // A bug must not stop the worker (and every call on it): the datagram is lost and counted.
                    _port.Counters.CountUnknown();
                    TransportLog.DatagramFailed(_port.Logger, _port.Port, ex);
                }
            }

            try
            {
                _io.Flush();
            }
            catch (Exception ex)
            {
                TransportLog.DatagramFailed(_port.Logger, _port.Port, ex);
            }
        }
    }
}
