using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// The DTLS-SRTP server side of one WebRtcEndpoint's bundled transport (RFC 6347, RFC 5764), on .NET's own crypto.
/// <para>
/// Threading: nothing here blocks and no thread is made. The socket worker hands every DTLS datagram (RFC 7983: first
/// byte 20..63) from the ICE-selected address to <see cref="OnDatagram"/>, which copies it into a bounded queue and
/// schedules one thread-pool work item for the burst; that work item feeds the queue to the
/// <see cref="DtlsServerConnection"/> state machine, a few datagrams at a time (<see cref="DatagramsPerDrain"/>), and
/// there is never more than one of them queued or running per session. The retransmission and handshake timers (on the
/// <see cref="TimeProvider"/>), the caller's cancellation, <see cref="Start(IReadOnlyList{DtlsFingerprint}, CancellationToken)"/>
/// and <see cref="Dispose"/> run their short steps the same way: under _gate, which owns the connection, the timers,
/// _state and every send. Each step is a few microseconds to a fraction of a millisecond of CPU (the handshake's
/// ECDH and signatures), so 500 handshakes at once cost queued work items, not 500 parked threads.
/// </para>
/// <see cref="State"/> is read without the lock (Volatile).
/// </summary>
internal sealed class DtlsServerSession : IDisposable, IThreadPoolWorkItem, IRetransmissionTimer
{
    private static readonly TimerCallback s_onRetransmissionTimer = state => ((DtlsServerSession)state!).OnRetransmissionTimer();
    private static readonly TimerCallback s_onHandshakeTimeout = state => ((DtlsServerSession)state!).OnHandshakeTimeout();
    private static readonly Action<object?> s_onCancelled = state => ((DtlsServerSession)state!).OnCancelled();

    /// <summary>
    /// Datagrams one work item processes before it queues itself again, behind the pool's other work: a peer that keeps
    /// the queue full (a flood from its own validated address) holds a pool thread, and _gate, which
    /// <see cref="Dispose"/> needs, for this many steps at a time, not for as long as it keeps sending. A browser's
    /// whole flight is a handful of datagrams.
    /// </summary>
    internal const int DatagramsPerDrain = 8;

    private readonly DtlsCertificate _certificate;
    private readonly GuardedSender _output;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DtlsServerSessionOptions _options;
    private readonly DtlsDatagramQueue _inbox;
    private readonly Lock _gate = new();
    private readonly Action<SrtpKeyingMaterial>? _keysReady;
    private readonly TaskCompletionSource<SrtpKeyingMaterial> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DtlsServerConnection? _connection;
    private ITimer? _retransmissionTimer;
    private ITimer? _handshakeTimer;
    private long _retransmissionDue;
    private long _startedAt;
    private CancellationToken _caller;
    private CancellationTokenRegistration _cancellation;
    private bool _disposed;
    private int _state;
    private int _drainScheduled;
    private int _drainsInFlight;
    private int _peakDrainsInFlight;
    private long _dropped;

    /// <param name="keysReady">
    /// Gets the SRTP keys on the thread that verified the client's Finished, under _gate, before our Finished is sent:
    /// the browser sends media as soon as it has that, so keys installed any later (say by a continuation of
    /// <see cref="Handshake"/>) would race its first packets. It must not call back into the session.
    /// </param>
    public DtlsServerSession(
        DtlsCertificate certificate,
        IDatagramSender sender,
        ILogger<DtlsServerSession>? logger = null,
        TimeProvider? timeProvider = null,
        DtlsServerSessionOptions? options = null,
        Action<SrtpKeyingMaterial>? keysReady = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(sender);
        _certificate = certificate;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _options = options ?? new DtlsServerSessionOptions();
        _options.Validate();
        _output = new GuardedSender(sender, _logger);
        _keysReady = keysReady;
        _inbox = new DtlsDatagramQueue(_options.QueueCapacity, _options.MaxDatagramSize);
    }

    public DtlsSessionState State => (DtlsSessionState)Volatile.Read(ref _state);

    /// <summary>The keysReady callback it was made with (tests hand over keys through it as a late Finished would).</summary>
    internal Action<SrtpKeyingMaterial>? KeysReady => _keysReady;

    /// <summary>Completes with the SRTP keys, faults with <see cref="DtlsHandshakeException"/>, or is cancelled (token or dispose).</summary>
    public Task<SrtpKeyingMaterial> Handshake => _handshake.Task;

    /// <summary>Completes when the connection ends after the handshake: the client's close_notify or fatal alert, or <see cref="Dispose"/>.</summary>
    public Task Closed => _closed.Task;

    /// <summary>DTLS datagrams dropped: queue full, empty or too large, or the session already ended.</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _dropped);

    /// <summary>What the session holds for its peer now (queued datagrams, reassembly, early records); never above <see cref="DtlsServerSessionOptions.MaxBufferedBytes"/>.</summary>
    internal int BufferedBytes
    {
        get
        {
            lock (_gate)
            {
                return _inbox.Bytes + (_connection?.BufferedBytes ?? 0);
            }
        }
    }

    /// <summary>Datagrams queued and not yet processed.</summary>
    internal int PendingDatagrams => _inbox.Count;

    /// <summary>The most processing work items running at once (counted as each starts, apart from _drainScheduled): one by design; tests check it.</summary>
    internal int PeakDrainWorkItems => Volatile.Read(ref _peakDrainsInFlight);

    /// <summary>Authenticated application_data records received after the handshake (for tests: proves record decryption).</summary>
    internal long ApplicationDataRecords
    {
        get
        {
            lock (_gate)
            {
                return _connection?.ApplicationDataRecords ?? 0;
            }
        }
    }

    /// <summary>Records the connection dropped (malformed, forged, replayed, unknown epoch).</summary>
    internal long DiscardedRecords
    {
        get
        {
            lock (_gate)
            {
                return _connection?.DiscardedRecords ?? 0;
            }
        }
    }

    /// <summary>Epoch 1 records dropped unexamined because too many failed authentication just before (<see cref="Records.BadRecordLimit"/>).</summary>
    internal long UnexaminedRecords
    {
        get
        {
            lock (_gate)
            {
                return _connection?.UnexaminedRecords ?? 0;
            }
        }
    }

    /// <summary>Our flights sent again.</summary>
    internal int Retransmissions
    {
        get
        {
            lock (_gate)
            {
                return _connection?.Retransmissions ?? 0;
            }
        }
    }

    /// <summary>Whether the retransmission timer runs: our last flight is out, and waits for its answer.</summary>
    internal bool RetransmissionArmed
    {
        get
        {
            lock (_gate)
            {
                return _retransmissionDue != 0;
            }
        }
    }

    /// <summary>Starts the handshake: from now on queued and arriving datagrams are processed. Returns <see cref="Handshake"/>. Call once.</summary>
    /// <param name="expectedClientFingerprints">The offer's a=fingerprint values; the client certificate must match one.</param>
    public Task<SrtpKeyingMaterial> Start(IReadOnlyList<DtlsFingerprint> expectedClientFingerprints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expectedClientFingerprints);
        if (expectedClientFingerprints.Count == 0)
        {
            throw new ArgumentException("At least one fingerprint is needed to authenticate the client.", nameof(expectedClientFingerprints));
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state != (int)DtlsSessionState.New)
            {
                throw new InvalidOperationException("The DTLS handshake has already been started.");
            }

            _connection = new DtlsServerConnection(_certificate, expectedClientFingerprints, _options, _output, this, _logger, _keysReady, _time);
            _startedAt = _time.GetTimestamp();
            _caller = cancellationToken;
            _handshakeTimer = _time.CreateTimer(s_onHandshakeTimeout, this, _options.HandshakeTimeout, Timeout.InfiniteTimeSpan);
            SetState(DtlsSessionState.Connecting);
        }

        DtlsLog.HandshakeStarted(_logger);
        if (cancellationToken.CanBeCanceled)
        {
            // Registered outside the lock: an already cancelled token runs the callback right here, and it takes the lock.
            var registration = cancellationToken.UnsafeRegister(s_onCancelled, this);
            lock (_gate)
            {
                if (_state == (int)DtlsSessionState.Connecting && !_disposed)
                {
                    _cancellation = registration;
                }
                else
                {
                    registration.Unregister();
                }
            }
        }

        if (_inbox.Count > 0)
        {
            ScheduleDrain();
        }

        return _handshake.Task;
    }

    /// <inheritdoc cref="Start(IReadOnlyList{DtlsFingerprint}, CancellationToken)"/>
    public Task<SrtpKeyingMaterial> Start(DtlsFingerprint expectedClientFingerprint, CancellationToken cancellationToken = default) =>
        Start([expectedClientFingerprint], cancellationToken);

    /// <summary>
    /// A DTLS datagram from the ICE-selected remote address. Copied (the caller's buffer is reused); never blocks,
    /// never throws on bad input. Datagrams may arrive before <see cref="Start(IReadOnlyList{DtlsFingerprint}, CancellationToken)"/>;
    /// they wait in the queue.
    /// </summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        if (State is DtlsSessionState.Closed or DtlsSessionState.Failed || !_inbox.TryEnqueue(datagram))
        {
            DtlsLog.DatagramDropped(_logger, datagram.Length, Interlocked.Increment(ref _dropped));
            return;
        }

        // Read after enqueueing: either we see the session started, or Start sees our datagram in the queue.
        if (State != DtlsSessionState.New)
        {
            ScheduleDrain();
        }
    }

    /// <summary>
    /// Ends everything: a running handshake is cancelled, a connection is closed with close_notify, queued datagrams
    /// are released, timers stop. Nothing is sent once this returns. Idempotent.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_state == (int)DtlsSessionState.Connecting)
            {
                CancelHandshake(CancellationToken.None, "the session was disposed");
            }
            else if (_state == (int)DtlsSessionState.Connected)
            {
                // Best effort: tells the browser the call is over (RFC 5246 §7.2.1).
                _connection!.Close();
                SetState(DtlsSessionState.Closed);
                DtlsLog.Closed(_logger, _connection.CloseReason ?? "closed");
            }
            else if (_state == (int)DtlsSessionState.New)
            {
                _handshake.TrySetCanceled();
            }

            _output.Mute();
            _connection?.Dispose();
            _retransmissionTimer?.Dispose();
            _handshakeTimer?.Dispose();
            _cancellation.Unregister();
        }

        _inbox.Dispose();
        _closed.TrySetResult();
    }

    /// <summary>
    /// The processing work item. At most one is queued or running per session: whoever sets _drainScheduled queues it,
    /// and only the work item clears the flag, once it has seen the queue empty (or the session over; under _gate, or after
    /// a failure). A
    /// datagram queued between that look and the clear found the flag still set and left it to us: the re-check after
    /// the clear catches it. With datagrams left after <see cref="DatagramsPerDrain"/>, the flag stays set and the
    /// work item queues itself again.
    /// </summary>
    void IThreadPoolWorkItem.Execute()
    {
        // Counted from here, apart from the flag: work items piling up on _gate (a flag cleared too early) show as more than one.
        CountDrainInFlight();
        var more = false;
        var datagram = ArrayPool<byte>.Shared.Rent(_options.MaxDatagramSize);
        var scratch = ArrayPool<byte>.Shared.Rent(_options.MaxDatagramSize);
        try
        {
            lock (_gate)
            {
                more = DrainSome(datagram, scratch);
                if (!more)
                {
                    EndDrain();
                }
            }
        }
        catch (Exception e)
        {
            // A remote's bytes, or a bug of ours, must never take down a pool thread (and with it the process).
            more = false;
            EndDrain();
            OnInternalError(e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(datagram);
            ArrayPool<byte>.Shared.Return(scratch, clearArray: true);
        }

        if (more)
        {
            // Counted out before the next one can run; the flag stays set.
            Interlocked.Decrement(ref _drainsInFlight);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return;
        }

        if (_inbox.Count > 0 && State is DtlsSessionState.Connecting or DtlsSessionState.Connected)
        {
            ScheduleDrain();
        }
    }

    /// <summary>
    /// Under _gate: feeds up to <see cref="DatagramsPerDrain"/> queued datagrams to the connection. True when it
    /// stopped at that limit with more queued and the session going on.
    /// </summary>
    private bool DrainSome(byte[] datagram, byte[] scratch)
    {
        if (_disposed || _connection is not { } connection)
        {
            return false;
        }

        for (var i = 0; i < DatagramsPerDrain; i++)
        {
            if (connection.Phase is DtlsConnectionPhase.Closed or DtlsConnectionPhase.Failed || !_inbox.TryDequeue(datagram, out var length))
            {
                return false;
            }

            connection.OnDatagram(datagram.AsSpan(0, length), scratch);
            Publish();
        }

        return _inbox.Count > 0 && connection.Phase is not (DtlsConnectionPhase.Closed or DtlsConnectionPhase.Failed);
    }

    void IRetransmissionTimer.Arm(TimeSpan timeout)
    {
        _retransmissionDue = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        if (_retransmissionTimer is null)
        {
            _retransmissionTimer = _time.CreateTimer(s_onRetransmissionTimer, this, timeout, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _retransmissionTimer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
    }

    void IRetransmissionTimer.Disarm()
    {
        _retransmissionDue = 0;
        _retransmissionTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void OnRetransmissionTimer()
    {
        try
        {
            lock (_gate)
            {
                if (_disposed || _connection is not { } connection || _retransmissionDue == 0)
                {
                    return;
                }

                var remaining = _retransmissionDue - _time.GetTimestamp();
                if (remaining > 0)
                {
                    // Fired before its time (or re-armed meanwhile): wait for the rest.
                    _retransmissionTimer!.Change(TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency), Timeout.InfiniteTimeSpan);
                    return;
                }

                _retransmissionDue = 0;
                connection.OnRetransmissionTimeout();
                Publish();
            }
        }
        catch (Exception e)
        {
            OnInternalError(e);
        }
    }

    private void OnHandshakeTimeout()
    {
        lock (_gate)
        {
            if (_disposed || _state != (int)DtlsSessionState.Connecting || _connection is not { } connection)
            {
                return;
            }

            var limit = $"the DTLS handshake did not finish within {_options.HandshakeTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
            connection.Abort(connection.ClientHelloReceived ? limit : limit + ": the client never sent a ClientHello");
            Publish();
        }
    }

    private void OnCancelled()
    {
        lock (_gate)
        {
            if (!_disposed && _state == (int)DtlsSessionState.Connecting)
            {
                CancelHandshake(_caller, "the handshake was cancelled");
            }
        }
    }

    /// <summary>Under _gate, while Connecting: the handshake ends as cancelled, not failed.</summary>
    private void CancelHandshake(CancellationToken token, string why)
    {
        var connection = _connection!;
        var started = connection.ClientHelloReceived;
        connection.Abort(why);
        SetState(DtlsSessionState.Failed);
        StopTimers();
        _inbox.Clear();
        if (started)
        {
            _options.Statistics.CountCancelled();
            DtlsLog.HandshakeCancelled(_logger);
        }
        else
        {
            _options.Statistics.CountNeverStarted();
            DtlsLog.HandshakeNeverStarted(_logger, why);
        }

        _handshake.TrySetCanceled(token);
    }

    /// <summary>Under _gate: turns the connection's phase into the session's state, tasks, counters and log lines.</summary>
    private void Publish()
    {
        var connection = _connection!;
        if (_state == (int)DtlsSessionState.Connecting && connection.Phase is DtlsConnectionPhase.Connected or DtlsConnectionPhase.Closed)
        {
            SetState(DtlsSessionState.Connected);
            StopTimers();
            _options.Statistics.CountCompleted();
            var keys = connection.KeyingMaterial!;
            DtlsLog.HandshakeCompleted(_logger, _time.GetElapsedTime(_startedAt).TotalMilliseconds, keys.Profile,
                connection.CipherSuite!.Name, connection.ExtendedMasterSecret);
            _handshake.TrySetResult(keys);
        }

        if (_state == (int)DtlsSessionState.Connected && connection.Phase == DtlsConnectionPhase.Closed)
        {
            SetState(DtlsSessionState.Closed);
            DtlsLog.Closed(_logger, connection.CloseReason ?? "closed");
            _inbox.Clear();
            _closed.TrySetResult();
        }

        if (_state == (int)DtlsSessionState.Connecting && connection.Phase == DtlsConnectionPhase.Failed)
        {
            SetState(DtlsSessionState.Failed);
            StopTimers();
            _inbox.Clear();
            var reason = connection.FailureReason ?? "the handshake failed";
            if (connection.ClientHelloReceived)
            {
                _options.Statistics.CountFailed();
                DtlsLog.HandshakeFailed(_logger, reason);
            }
            else
            {
                _options.Statistics.CountNeverStarted();
                DtlsLog.HandshakeNeverStarted(_logger, reason);
            }

            _handshake.TrySetException(new DtlsHandshakeException(reason, connection.ClientHelloReceived));
        }
    }

    private void OnInternalError(Exception e)
    {
        DtlsLog.InternalError(_logger, e);
        lock (_gate)
        {
            if (_connection is not { } connection || _disposed)
            {
                return;
            }

            connection.Abort("internal error: " + e.Message);
            if (_state == (int)DtlsSessionState.Connected)
            {
                SetState(DtlsSessionState.Closed);
                _closed.TrySetResult();
            }

            Publish();
        }
    }

    private void StopTimers()
    {
        _handshakeTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        ((IRetransmissionTimer)this).Disarm();
        _cancellation.Unregister();
    }

    private void SetState(DtlsSessionState state) => Volatile.Write(ref _state, (int)state);

    private void ScheduleDrain()
    {
        if (Interlocked.Exchange(ref _drainScheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>The work item is done: counted out before the flag lets the next one be queued.</summary>
    private void EndDrain()
    {
        Interlocked.Decrement(ref _drainsInFlight);
        Volatile.Write(ref _drainScheduled, 0);
    }

    /// <summary>Keeps <see cref="PeakDrainWorkItems"/>: once per work item run, not per datagram.</summary>
    private void CountDrainInFlight()
    {
        var inFlight = Interlocked.Increment(ref _drainsInFlight);
        var peak = Volatile.Read(ref _peakDrainsInFlight);
        while (inFlight > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakDrainsInFlight, inFlight, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    /// <summary>
    /// The caller's sender as the connection uses it, under _gate: a failed send is a lost datagram (DTLS
    /// retransmits), and once muted (by <see cref="Dispose"/>) nothing goes out.
    /// </summary>
    private sealed class GuardedSender(IDatagramSender sender, ILogger logger) : IDatagramSender
    {
        private bool _muted;

        public void Mute() => _muted = true;

        public void Send(ReadOnlySpan<byte> datagram)
        {
            if (_muted)
            {
                return;
            }

            try
            {
                sender.Send(datagram);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                DtlsLog.SendFailed(logger, e);
            }
        }
    }
}
