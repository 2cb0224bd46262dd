using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// The DTLS-SRTP server side of one WebRtcEndpoint's bundled transport (RFC 6347, RFC 5764).
/// <para>
/// The socket loop hands every DTLS datagram (RFC 7983: first byte 20..63) from the ICE-selected address to
/// <see cref="OnDatagram"/>, which copies it into a bounded queue and never blocks. BouncyCastle's
/// <see cref="DtlsServerProtocol.Accept(TlsServer, DatagramTransport)"/> blocks for the whole handshake, so it runs on a
/// dedicated background thread per session (small stack), never on the thread pool: a burst of calls parks N
/// dedicated threads instead of starving the pool that the sockets and the protocol layer need, and the thread is
/// gone as soon as the handshake ends. (A LongRunning task would make the same dedicated thread; a bounded
/// scheduler would queue handshakes behind each other and let slow clients delay fast ones.)
/// </para>
/// <para>
/// After the handshake no thread is parked: each later datagram (a retransmitted client flight when our Finished
/// was lost, a close_notify, an alert) schedules one thread-pool work item that feeds the queue to
/// <see cref="DtlsTransport.Receive(byte[], int, int, int)"/> with a 1 ms wait (BouncyCastle reads 0 as "forever"),
/// so BouncyCastle answers retransmissions and reports alerts; then it returns.
/// </para>
/// Thread ownership: the handshake thread owns the BouncyCastle objects until it publishes _connection under
/// _connectionGate; from then on the work item and <see cref="Dispose"/> use them under that lock. _state changes
/// by Interlocked only.
/// </summary>
internal sealed class DtlsServerSession : IDisposable, IThreadPoolWorkItem
{
    private const int HandshakeThreadStackSize = 256 * 1024;

    private readonly DtlsCertificate _certificate;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly DtlsServerSessionOptions _options;
    private readonly DtlsDatagramQueue _queue;
    private readonly QueuedDatagramTransport _transport;
    // Cancelled by Dispose, never disposed: the handshake thread may still read its token after Dispose returns.
    private readonly CancellationTokenSource _disposal = new();
    private readonly TaskCompletionSource<SrtpKeyingMaterial> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _connectionGate = new();
    private DtlsTransport? _connection;
    private byte[]? _receiveBuffer;
    private Thread? _thread;
    private int _state;
    private int _drainScheduled;
    private int _disposeStarted;
    private long _dropped;

    public DtlsServerSession(
        DtlsCertificate certificate,
        IDatagramSender sender,
        ILogger<DtlsServerSession>? logger = null,
        TimeProvider? timeProvider = null,
        DtlsServerSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(sender);
        _certificate = certificate;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _options = options ?? new DtlsServerSessionOptions();
        _queue = new DtlsDatagramQueue(_options.QueueCapacity, _options.MaxDatagramSize);
        _transport = new QueuedDatagramTransport(_queue, sender, _options.MaxDatagramSize, _options.MaxSendSize, OnTransportClosed, _logger);
    }

    public DtlsSessionState State => (DtlsSessionState)Volatile.Read(ref _state);

    /// <summary>Completes with the SRTP keys, faults with <see cref="DtlsHandshakeException"/>, or is cancelled (token or dispose).</summary>
    public Task<SrtpKeyingMaterial> Handshake => _handshake.Task;

    /// <summary>Completes when the connection ends after the handshake: the client's close_notify or fatal alert, or <see cref="Dispose"/>.</summary>
    public Task Closed => _closed.Task;

    /// <summary>DTLS datagrams dropped: queue full, empty or too large, or the session already ended.</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _dropped);

    /// <summary>The handshake's dedicated thread, for tests.</summary>
    internal Thread? HandshakeThread => _thread;

    /// <summary>Starts the handshake on its own thread; returns <see cref="Handshake"/>. Call once.</summary>
    /// <param name="expectedClientFingerprints">The offer's a=fingerprint values; the client certificate must match one.</param>
    public Task<SrtpKeyingMaterial> Start(IReadOnlyList<DtlsFingerprint> expectedClientFingerprints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expectedClientFingerprints);
        if (expectedClientFingerprints.Count == 0)
        {
            throw new ArgumentException("At least one fingerprint is needed to authenticate the client.", nameof(expectedClientFingerprints));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposeStarted) != 0, this);
        if (Interlocked.CompareExchange(ref _state, (int)DtlsSessionState.Connecting, (int)DtlsSessionState.New) != (int)DtlsSessionState.New)
        {
            throw new InvalidOperationException("The DTLS handshake has already been started.");
        }

        var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _timeProvider);
        var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _disposal.Token);
        var run = new HandshakeRun(expectedClientFingerprints.ToArray(), cancellationToken, timeout, handshake);
        _thread = new Thread(() => RunHandshake(run), HandshakeThreadStackSize)
        {
            IsBackground = true,
            Name = "DTLS handshake",
        };
        _thread.Start();
        return _handshake.Task;
    }

    /// <inheritdoc cref="Start(IReadOnlyList{DtlsFingerprint}, CancellationToken)"/>
    public Task<SrtpKeyingMaterial> Start(DtlsFingerprint expectedClientFingerprint, CancellationToken cancellationToken = default) =>
        Start([expectedClientFingerprint], cancellationToken);

    /// <summary>
    /// A DTLS datagram from the ICE-selected remote address. Copied (the caller's buffer is reused); never blocks,
    /// never throws on bad input: garbage is left to BouncyCastle, which discards records it cannot authenticate.
    /// Datagrams may arrive before <see cref="Start(IReadOnlyList{DtlsFingerprint}, CancellationToken)"/>; they wait in the queue.
    /// </summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        var state = State;
        if (state is DtlsSessionState.Closed or DtlsSessionState.Failed || !_queue.TryEnqueue(datagram))
        {
            DtlsLog.DatagramDropped(_logger, datagram.Length, Interlocked.Increment(ref _dropped));
            return;
        }

        // Read the state after enqueueing: either we see Connected, or the handshake thread sees our datagram.
        if (State == DtlsSessionState.Connected)
        {
            ScheduleDrain();
        }
    }

    /// <summary>
    /// Ends everything: a running handshake is cancelled (its thread exits promptly), a connection is closed with
    /// close_notify, queued datagrams are released. Nothing is sent once this returns. Idempotent.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            return;
        }

        lock (_connectionGate)
        {
            if (_connection is not null && !_transport.IsClosed)
            {
                // Best effort: tells the browser the call is over (RFC 5246 §7.2.1).
                try
                {
                    _connection.Close();
                }
                catch (Exception e) when (e is IOException or InvalidOperationException)
                {
                    DtlsLog.RecordFailed(_logger, e);
                }
            }

            _connection = null;
        }

        _transport.Mute();
        _disposal.Cancel();
        _queue.Dispose();
        SetClosed();
    }

    void IThreadPoolWorkItem.Execute() => Drain();

    private void RunHandshake(HandshakeRun run)
    {
        DtlsSrtpServer? server = null;
        try
        {
            DtlsLog.HandshakeStarted(_logger);
            server = new DtlsSrtpServer(new BcTlsCrypto(new SecureRandom()), _certificate, run.ExpectedFingerprints, _logger);
            server.AlertReceived += OnAlertReceived;
            _transport.HandshakeToken = run.Handshake.Token;
            var connection = new DtlsServerProtocol().Accept(server, _transport);
            var keys = server.KeyingMaterial ?? throw new DtlsHandshakeException("the handshake ended without SRTP keying material");

            // From here receives must not wait for the handshake token: the drain work item uses the transport.
            _transport.HandshakeToken = CancellationToken.None;
            lock (_connectionGate)
            {
                if (Volatile.Read(ref _disposeStarted) != 0)
                {
                    throw new OperationCanceledException(_disposal.Token);
                }

                _connection = connection;
                Interlocked.CompareExchange(ref _state, (int)DtlsSessionState.Connected, (int)DtlsSessionState.Connecting);
            }

            DtlsLog.HandshakeCompleted(_logger, keys.Profile, server.NegotiatedCipherSuite);
            if (_queue.Count > 0)
            {
                ScheduleDrain();
            }

            _handshake.TrySetResult(keys);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _state, (int)DtlsSessionState.Failed, (int)DtlsSessionState.Connecting);
            _queue.Clear();
            if (run.Caller.IsCancellationRequested || Volatile.Read(ref _disposeStarted) != 0)
            {
                DtlsLog.HandshakeCancelled(_logger);
                _handshake.TrySetCanceled(run.Caller.IsCancellationRequested ? run.Caller : _disposal.Token);
            }
            else
            {
                var failure = run.Timeout.IsCancellationRequested
                    ? new DtlsHandshakeException($"the DTLS handshake did not finish within {_options.HandshakeTimeout.TotalSeconds:0.#} s", e)
                    : new DtlsHandshakeException(Describe(server?.FailureReason, e), e);
                DtlsLog.HandshakeFailed(_logger, failure.Message, e);
                _handshake.TrySetException(failure);
            }
        }
        finally
        {
            run.Handshake.Dispose();
            run.Timeout.Dispose();
        }
    }

    private void ScheduleDrain()
    {
        if (Interlocked.Exchange(ref _drainScheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Feeds queued post-handshake datagrams to BouncyCastle; one work item at a time (_drainScheduled).</summary>
    private void Drain()
    {
        lock (_connectionGate)
        {
            // Cleared before draining: a datagram queued from now on either is drained below or schedules another run.
            Volatile.Write(ref _drainScheduled, 0);
            while (_connection is { } connection && State == DtlsSessionState.Connected && _queue.Count > 0)
            {
                _receiveBuffer ??= new byte[_options.MaxDatagramSize];
                try
                {
                    // Application data is not expected (no data channels); anything returned is dropped.
                    connection.Receive(_receiveBuffer, 0, _receiveBuffer.Length, 1);
                    while (connection.ReceivePending(_receiveBuffer, 0, _receiveBuffer.Length, null) >= 0)
                    {
                    }
                }
                catch (Exception e)
                {
                    // A fatal alert either way (BouncyCastle wraps everything else in TlsFatalAlert): the connection
                    // is over. Caught broadly because a remote's bytes must never take down a pool thread.
                    DtlsLog.RecordFailed(_logger, e);
                    SetClosed();
                }
            }
        }
    }

    private void OnAlertReceived(short level, short description)
    {
        if (level == AlertLevel.fatal || description == AlertDescription.close_notify)
        {
            SetClosed();
        }
    }

    private void OnTransportClosed() => SetClosed();

    private void SetClosed()
    {
        var previous = Interlocked.CompareExchange(ref _state, (int)DtlsSessionState.Closed, (int)DtlsSessionState.Connected);
        if (previous == (int)DtlsSessionState.Connected)
        {
            DtlsLog.Closed(_logger);
            _queue.Clear();
        }

        if (previous is (int)DtlsSessionState.Connected or (int)DtlsSessionState.Closed || Volatile.Read(ref _disposeStarted) != 0)
        {
            _closed.TrySetResult();
        }
    }

    private static string Describe(string? ourReason, Exception e) => ourReason ?? e switch
    {
        TlsFatalAlertReceived received => $"the client sent a fatal {AlertDescription.GetText(received.AlertDescription)} alert",
        TlsFatalAlert { InnerException: OperationCanceledException } => "the handshake was cancelled",
        TlsFatalAlert alert => $"fatal {AlertDescription.GetText(alert.AlertDescription)} alert{(string.IsNullOrEmpty(alert.Message) ? "" : ": " + alert.Message)}",
        TlsTimeoutException => "BouncyCastle's handshake timer expired",
        _ => e.Message,
    };

    /// <summary>What one handshake thread needs; its CancellationTokenSources are disposed by that thread.</summary>
    private sealed class HandshakeRun(DtlsFingerprint[] expected, CancellationToken caller, CancellationTokenSource timeout, CancellationTokenSource handshake)
    {
        public DtlsFingerprint[] ExpectedFingerprints { get; } = expected;
        public CancellationToken Caller { get; } = caller;
        public CancellationTokenSource Timeout { get; } = timeout;
        public CancellationTokenSource Handshake { get; } = handshake;
    }
}
