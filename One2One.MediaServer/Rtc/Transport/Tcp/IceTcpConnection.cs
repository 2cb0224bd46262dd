using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Rtp;

namespace One2One.MediaServer.Rtc.Transport.Tcp;

/// <summary>
/// One browser's ICE-TCP connection to our passive candidate (RFC 6544): RFC 4571 frames both ways, carrying the same
/// STUN, DTLS, RTP and RTCP the UDP port carries, into the same transport. The first frame must be a connectivity
/// check naming a live transport's ufrag and passing it; until one does, within <see cref="IceTcpOptions.FirstCheckTimeout"/>
/// on the server's clock, the connection belongs to nobody. Anything else (other bytes first, a failed check, a frame
/// larger or shorter than any packet) closes it.
/// </summary>
/// <remarks>
/// Threading: one receive loop (async, on the thread pool) reads, frames and hands packets to the transport, whose
/// receive gate it takes like any worker; it owns the reader, the frame buffer and its <see cref="PacketContext"/>. As on
/// a UDP worker, a frame whose handling throws is lost, counted and logged, and the loop goes on. The loop hands its
/// thread back to the pool after every <see cref="FramesPerTurn"/> frames: a browser that keeps its socket full would
/// otherwise keep the thread for as long as it sends, each receive completing at once.
/// Sends come from any thread (workers relaying, DTLS, the control path) and never block: under <see cref="_sendGate"/>
/// a frame goes straight into the kernel's send buffer on the non-blocking socket, or, when that is full, into a
/// bounded <see cref="SendBacklog"/> that one asynchronous drain empties; a frame that fits neither is dropped, as UDP
/// would. The backlog's one buffer (at most <see cref="IceTcpOptions.SendBacklogBytes"/>, the bytes being sent counted)
/// is rented from the shared pool when the kernel first refuses a frame, and given back once drained: a connection that
/// never had to queue (most, and every one still waiting for its first check) holds none, so the connection limit bounds
/// memory by the small per-connection buffers. A drain the kernel takes nothing from for
/// <see cref="IceTcpOptions.SendStallTimeout"/> closes the connection, so a browser that stops reading cannot hold its
/// backlog for as long as it keeps checking. The drain's state (<see cref="_backlog"/>, <see cref="_drainRunning"/>,
/// <see cref="_lastDrainProgress"/>) is under <see cref="_sendGate"/>.
/// </remarks>
internal sealed class IceTcpConnection : IMediaLink
{
    /// <summary>
    /// The shortest packet ICE-TCP carries (RFC 6544 §3: STUN, DTLS, RTP, RTCP): an RTCP header, RFC 3550 §6.4.2.
    /// A shorter frame, the empty one above all, comes from a broken or hostile peer, and each would cost a pass through
    /// the transport for nothing: it closes the connection.
    /// </summary>
    internal const int MinPacketLength = 8;

    /// <summary>Frames handled before the receive loop lets other work run on its thread.</summary>
    internal const int FramesPerTurn = 256;

    private readonly Socket _socket;
    private readonly TransportDirectory _directory;
    private readonly IceTcpOptions _options;
    private readonly Action<IceTcpConnection> _onChecked;
    private readonly Action<IceTcpConnection> _onClosed;
    private readonly Rfc4571Reader _reader;
    private readonly byte[] _frame = GC.AllocateUninitializedArray<byte>(WebRtcTransport.BufferSize + WebRtcTransport.TailRoom, pinned: true);
    private readonly byte[] _framed = new byte[2 + WebRtcTransport.BufferSize + WebRtcTransport.TailRoom];
    private readonly PacketContext _context = new();
    private readonly SocketAddress _remote;
    private readonly IPEndPoint _remoteEndPoint;
    private readonly TransportCounters _counters;
    private readonly AddressKey _key;
    private readonly Lock _sendGate = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _firstCheckTimer;
    private readonly ITimer _sendStallTimer;
    private readonly SendBacklog _backlog;
    private bool _drainRunning;
    private long _lastDrainProgress; // when the drain started, or the kernel last took some of its bytes
    private WebRtcTransport? _transport;
    private int _closed;
    private int _checkSettled;
    private int _framesThisTurn; // the receive loop's

    /// <param name="onChecked">Called once, when the first check bound the connection or it closed before one did.</param>
    /// <param name="onClosed">Called once, when the connection closes.</param>
    /// <param name="counters">The port's: where a frame whose handling failed is counted.</param>
    public IceTcpConnection(Socket socket, TransportDirectory directory, IceTcpOptions options, TimeProvider time, ILogger logger,
        TransportCounters counters, Action<IceTcpConnection> onChecked, Action<IceTcpConnection> onClosed)
    {
        _socket = socket;
        _directory = directory;
        _options = options;
        _time = time;
        _logger = logger;
        _counters = counters;
        _backlog = new SendBacklog(options.SendBacklogBytes);
        _onChecked = onChecked;
        _onClosed = onClosed;
        _reader = new Rfc4571Reader(WebRtcTransport.BufferSize);
        socket.NoDelay = true;
        socket.Blocking = false;
        _remoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        _remote = _remoteEndPoint.Serialize();
        AddressKey.TryCreate(_remote, out _key);
        _firstCheckTimer = time.CreateTimer(static s => ((IceTcpConnection)s!).OnFirstCheckTimeout(), this, options.FirstCheckTimeout, Timeout.InfiniteTimeSpan);
        _sendStallTimer = time.CreateTimer(static s => ((IceTcpConnection)s!).OnSendStallCheck(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public IceProtocol Protocol => IceProtocol.Tcp;

    public IPEndPoint RemoteEndPoint => _remoteEndPoint;

    /// <summary>Completes when the connection is closed and its loop has ended.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>The transport a passed check bound this connection to (null until then).</summary>
    internal WebRtcTransport? Transport => Volatile.Read(ref _transport);

    /// <summary>Bytes of send backlog this connection holds now (0 unless the kernel refused a frame and the drain is not done).</summary>
    internal int SendBacklogCapacity
    {
        get
        {
            lock (_sendGate)
            {
                return _backlog.Capacity;
            }
        }
    }

    /// <summary>
    /// Starts the receive loop on the thread pool: run inline, a receive that completes at once (data already queued) would
    /// keep it on the caller's, the listener's accept loop, for as long as the browser keeps the socket full.
    /// </summary>
    public void Start() => Completion = Task.Run(ReceiveLoopAsync);

    /// <summary>Frames <paramref name="datagram"/> and sends it, or queues it behind what the kernel has not taken yet.</summary>
    public bool TrySend(ReadOnlySpan<byte> datagram, SocketAddress to, PacketContext? context, TransportCounters counters)
    {
        if (datagram.Length > WebRtcTransport.BufferSize + WebRtcTransport.TailRoom)
        {
            return false;
        }

        lock (_sendGate)
        {
            if (IsClosed)
            {
                return false;
            }

            var length = Rfc4571Reader.Frame(datagram, _framed);
            var sent = 0;
            if (!_drainRunning)
            {
                sent = _socket.Send(_framed.AsSpan(0, length), SocketFlags.None, out var error);
                if (error is not (SocketError.Success or SocketError.WouldBlock))
                {
                    return false;
                }

                sent = Math.Max(sent, 0);
                if (sent == length)
                {
                    return true;
                }
            }

            // The kernel took part of the frame or none of it: the rest must follow before anything else, or is lost whole.
            var rest = length - sent;
            if (!_backlog.HasRoomFor(rest))
            {
                if (sent > 0)
                {
                    // Half a frame is on the wire: without its tail the stream is broken for good.
                    CloseUnderGate();
                }

                return false;
            }

            _backlog.Append(_framed.AsSpan(sent, rest));
            if (!_drainRunning)
            {
                _drainRunning = true;
                _lastDrainProgress = _time.GetTimestamp();
                _sendStallTimer.Change(_options.SendStallTimeout, Timeout.InfiniteTimeSpan);
                _ = DrainAsync();
            }

            return true;
        }
    }

    /// <summary>Closes the connection (idempotent); the transport it served keeps its other paths.</summary>
    public void Close()
    {
        lock (_sendGate)
        {
            CloseUnderGate();
        }
    }

    private void CloseUnderGate()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        SettleCheck();
        _onClosed(this);
        _firstCheckTimer.Dispose();
        _sendStallTimer.Dispose();
        _closing.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the browser.
        }

        _socket.Dispose();
    }

    private void OnFirstCheckTimeout()
    {
        if (Transport is null)
        {
            Close();
        }
    }

    /// <summary>The stall timer ran out: closes the connection if the drain has made no progress since, else waits the rest.</summary>
    private void OnSendStallCheck()
    {
        lock (_sendGate)
        {
            if (IsClosed || !_drainRunning)
            {
                return;
            }

            var stalled = _time.GetElapsedTime(_lastDrainProgress);
            if (stalled < _options.SendStallTimeout)
            {
                _sendStallTimer.Change(_options.SendStallTimeout - stalled, Timeout.InfiniteTimeSpan);
                return;
            }

            TransportLog.IceTcpSendStalled(_logger, RemoteEndPoint, _backlog.Length, _options.SendStallTimeout);
            CloseUnderGate();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (!IsClosed)
            {
                if (_framesThisTurn >= FramesPerTurn)
                {
                    _framesThisTurn = 0;
                    await Task.Yield();
                }

                var read = await _socket.ReceiveAsync(_reader.FreeSpace, SocketFlags.None, _closing.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break; // the browser closed its side
                }

                _reader.Commit(read);
                if (!HandleFrames())
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Reset, or closed by us.
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Every whole frame read so far; false when the stream must be closed.</summary>
    private bool HandleFrames()
    {
        while (true)
        {
            if (IsClosed)
            {
                // Closed by a frame before (its path evicted while it was handled, say): the rest would be handled for a
                // connection nobody may use, and a check among them would store it as a path again.
                return false;
            }

            switch (_reader.TryRead(out var frame))
            {
                case FrameStatus.NeedMore:
                    return true;
                case FrameStatus.TooLarge:
                    return false;
            }

            if (frame.Length < MinPacketLength)
            {
                return false;
            }

            _framesThisTurn++;

            // A copy with room after it: the transport decrypts and re-protects in place.
            frame.CopyTo(_frame);
            try
            {
                if (!HandleFrame(frame.Length))
                {
                    return false;
                }
            }
            catch (Exception ex)
            {
                // A bug must not close the connection (and end the call on it), as it must not stop a UDP worker: the
                // frame is lost and counted. A connection not yet bound by its first check is closed, though.
                _counters.CountUnknown();
                TransportLog.FrameFailed(_logger, _remoteEndPoint, ex);
                if (Transport is null)
                {
                    return false;
                }
            }
        }
    }

    /// <summary>One frame, copied into <see cref="_frame"/>; false when the stream must be closed.</summary>
    private bool HandleFrame(int length)
    {
        if (Transport is { } bound)
        {
            bound.OnDatagram(_frame, length, this, _remote, _key, _context);
            return true;
        }

        // RFC 6544 §7.2: the first frame is the browser's check. It names its transport; the transport decides.
        var frame = _frame.AsSpan(0, length);
        if (RtcDemux.Classify(frame) != RtcPacketKind.Stun || !_directory.TryFindByUsername(frame, out var transport))
        {
            return false;
        }

        if (!transport.OnDatagram(_frame, length, this, _remote, _key, _context, fromHeldAddress: false))
        {
            return false;
        }

        Volatile.Write(ref _transport, transport);
        _firstCheckTimer.Dispose();
        SettleCheck();
        return true;
    }

    private void SettleCheck()
    {
        if (Interlocked.Exchange(ref _checkSettled, 1) == 0)
        {
            _onChecked(this);
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte> oldest;
                lock (_sendGate)
                {
                    if (_backlog.Length == 0 || IsClosed)
                    {
                        StopDrainUnderGate();
                        return;
                    }

                    // Sent outside the gate while frames queue behind it: the backlog keeps these bytes until consumed.
                    oldest = _backlog.Oldest;
                }

                var sent = await _socket.SendAsync(oldest, SocketFlags.None, _closing.Token).ConfigureAwait(false);
                lock (_sendGate)
                {
                    _backlog.Consume(sent);
                    _lastDrainProgress = _time.GetTimestamp();
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            lock (_sendGate)
            {
                CloseUnderGate();
                StopDrainUnderGate();
            }
        }
    }

    /// <summary>Under <see cref="_sendGate"/>, with no send in flight: the backlog goes back to the pool until a frame must queue again.</summary>
    private void StopDrainUnderGate()
    {
        _drainRunning = false;
        _backlog.Release();
        if (!IsClosed)
        {
            _sendStallTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }
}
