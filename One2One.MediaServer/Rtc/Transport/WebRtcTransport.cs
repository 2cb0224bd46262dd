using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Rtp;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// One WebRtcEndpoint's bundled transport: a UDP socket with one receive loop, the ICE-lite agent, the DTLS
/// server and the SRTP contexts. It hands decrypted RTP and RTCP up and encrypts and sends what the relay
/// gives it. Datagrams are told apart by their first byte (RFC 7983); anything from an address that has not
/// passed ICE, anything before keys exist and anything that fails SRTP is dropped and counted.
/// </summary>
/// <remarks>
/// Threading. The receive loop runs on a thread of its own (one per endpoint), blocked in recvfrom: a socket
/// that is never used asynchronously stays out of the runtime's epoll set, so a send does not wake the socket
/// engine's thread (an epoll-registered UDP socket signals writability after every datagram), and a datagram
/// wakes the loop directly instead of through that thread and the thread pool. The loop's thread owns the
/// receive buffer, the scratch buffer, the ICE agent's check state and the inbound SRTP context. Sends (from any
/// relay loop, and from the DTLS session's work items and timers) are serialized by <see cref="_sendGate"/>, which
/// guards the outbound SRTP context; both contexts are installed and disposed under it. <see cref="_dtlsPeer"/> is
/// written by the loop and read by the DTLS session.
/// </remarks>
internal sealed class WebRtcTransport : IDatagramSender, IAsyncDisposable
{
    /// <summary>Large enough for any RTP packet a browser sends (they stay under the path MTU).</summary>
    public const int BufferSize = 2048;

    /// <summary>Room kept after a packet so it can be re-protected in place (the largest SRTCP trailer).</summary>
    internal const int TailRoom = 64;

    /// <summary>The receive thread's stack: the loop's deepest path (DTLS, logging) needs a fraction of it.</summary>
    private const int ReceiveThreadStackSize = 256 * 1024;

    private readonly Socket _socket;
    private readonly UdpPortAllocator _ports;
    private readonly ITransportEvents _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _sendGate = new();
    private readonly TaskCompletionSource _receiveLoopDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DtlsServerSession? _dtls;
    private SocketAddress? _dtlsPeer;
    private SrtpContext? _inbound;
    private SrtpContext? _outbound;
    private int _disposed;

    public WebRtcTransport(UdpPortAllocator ports, IceLiteAgent ice, ITransportEvents events, ILoggerFactory loggers, TimeProvider time)
    {
        _ports = ports;
        _socket = ports.Open();
        Ice = ice;
        _events = events;
        _logger = loggers.CreateLogger<WebRtcTransport>();
        _time = time;
        LocalPort = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        Loggers = loggers;
        new Thread(ReceiveLoop, ReceiveThreadStackSize) { IsBackground = true, Name = "WebRTC receive" }.Start();
    }

    public int LocalPort { get; }

    public IceLiteAgent Ice { get; }

    public TransportCounters Counters { get; } = new();

    public bool IsSecured => Volatile.Read(ref _inbound) is not null;

    /// <summary>Completes when the receive thread has ended (after disposal; tests check nothing outlives the server).</summary>
    internal Task ReceiveLoopCompleted => _receiveLoopDone.Task;

    private ILoggerFactory Loggers { get; }

    /// <summary>Starts the DTLS server; the browser's certificate must match one of <paramref name="remoteFingerprints"/>.</summary>
    public void StartDtls(IReadOnlyList<DtlsFingerprint> remoteFingerprints)
    {
        var dtls = new DtlsServerSession(DtlsCertificate.Shared, this, Loggers.CreateLogger<DtlsServerSession>(), _time);
        if (Interlocked.CompareExchange(ref _dtls, dtls, null) is not null)
        {
            dtls.Dispose();
            return;
        }

        _ = CompleteHandshakeAsync(dtls, dtls.Start(remoteFingerprints, _closing.Token));
    }

    /// <summary>Encrypts an RTP packet in place (the buffer has room for the tag) and sends it to the browser.</summary>
    public bool TrySendRtp(Span<byte> buffer, int length)
    {
        lock (_sendGate)
        {
            if (_outbound is not { } outbound || Ice.Selected is not { } target
                || !outbound.TryProtectRtp(buffer, length, out var protectedLength))
            {
                Counters.CountSendFailed();
                return false;
            }

            return TrySend(buffer[..protectedLength], target);
        }
    }

    /// <summary>Encrypts an RTCP compound in place and sends it to the browser.</summary>
    public bool TrySendRtcp(Span<byte> buffer, int length)
    {
        lock (_sendGate)
        {
            if (_outbound is not { } outbound || Ice.Selected is not { } target
                || !outbound.TryProtectRtcp(buffer, length, out var protectedLength))
            {
                Counters.CountSendFailed();
                return false;
            }

            return TrySend(buffer[..protectedLength], target);
        }
    }

    /// <summary>DTLS records from the DTLS session go back where the browser's DTLS came from.</summary>
    void IDatagramSender.Send(ReadOnlySpan<byte> datagram)
    {
        if (Volatile.Read(ref _dtlsPeer) is { } peer)
        {
            lock (_sendGate)
            {
                TrySend(datagram, peer);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The DTLS close_notify still needs the socket, so DTLS closes first; closing the socket then wakes the
        // receive thread out of recvfrom, and the SRTP contexts go once it has stopped.
        await _closing.CancelAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _dtls, null)?.Dispose();
        _ports.Close(_socket);
        await _receiveLoopDone.Task.ConfigureAwait(false);
        lock (_sendGate)
        {
            _outbound?.Dispose();
            _outbound = null;
            Interlocked.Exchange(ref _inbound, null)?.Dispose();
        }
    }

    private bool TrySend(ReadOnlySpan<byte> datagram, SocketAddress target)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, target);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Counters.CountSendFailed();
            return false;
        }
    }

    private void ReceiveLoop()
    {
        try
        {
            Receive();
        }
        catch (Exception ex)
        {
            // Unhandled on a thread of its own it would end the process: the endpoint stops receiving instead.
            TransportLog.ReceiveFailed(_logger, LocalPort, ex);
        }
        finally
        {
            _receiveLoopDone.TrySetResult();
        }
    }

    private void Receive()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(BufferSize + TailRoom, pinned: true);
        var scratch = GC.AllocateUninitializedArray<byte>(BufferSize + TailRoom, pinned: true);
        var response = new byte[Stun.StunWriter.MaxLength];
        var remote = new SocketAddress(_socket.AddressFamily);
        var token = _closing.Token;
        while (!token.IsCancellationRequested)
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(buffer.AsSpan(0, BufferSize), SocketFlags.None, remote);
            }
            catch (Exception ex) when (ex is ObjectDisposedException || (ex is SocketException && token.IsCancellationRequested))
            {
                // Disposing closes the socket, which interrupts the blocked receive.
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.MessageSize)
            {
                // Larger than any RTP packet (Windows reports it; Linux truncates and SRTP refuses it): dropped, counted.
                Counters.CountUnknown();
                continue;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
            {
                // An ICMP error for an earlier send: nothing to read from it.
                continue;
            }
            catch (SocketException ex)
            {
                TransportLog.ReceiveFailed(_logger, LocalPort, ex);
                break;
            }

            try
            {
                OnDatagram(buffer, received, remote, scratch, response);
            }
            catch (Exception ex)
            {
                // A bug must not take the endpoint down; the datagram is lost and counted.
                Counters.CountUnknown();
                TransportLog.DatagramFailed(_logger, LocalPort, ex);
            }
        }
    }

    /// <summary>
    /// One datagram through the receive path. Internal so the relay-step benchmark can drive it synchronously;
    /// it uses the receive loop's state (ICE checks, inbound SRTP), so call it only from that loop, or while no
    /// datagram can reach the socket. <paramref name="buffer"/> needs <see cref="TailRoom"/> after the datagram.
    /// </summary>
    internal void OnDatagram(Span<byte> buffer, int received, SocketAddress remote, Span<byte> scratch, Span<byte> response)
    {
        var datagram = buffer[..received];
        switch (RtcDemux.Classify(datagram))
        {
            case RtcPacketKind.Stun:
                OnStun(datagram, remote, response);
                break;
            case RtcPacketKind.Dtls when Ice.IsValidated(remote):
                OnDtls(datagram, remote);
                break;
            case RtcPacketKind.Rtp when Ice.IsValidated(remote):
                if (Volatile.Read(ref _inbound) is not { } rtpKeys)
                {
                    Counters.CountNotSecured();
                }
                else if (rtpKeys.TryUnprotectRtp(datagram, out var rtpLength))
                {
                    _events.OnRtp(buffer, rtpLength, scratch);
                }
                else
                {
                    Counters.CountUnprotectFailed();
                }

                break;
            case RtcPacketKind.Rtcp when Ice.IsValidated(remote):
                if (Volatile.Read(ref _inbound) is not { } rtcpKeys)
                {
                    Counters.CountNotSecured();
                }
                else if (rtcpKeys.TryUnprotectRtcp(datagram, out var rtcpLength))
                {
                    _events.OnRtcp(buffer, rtcpLength, scratch);
                }
                else
                {
                    Counters.CountUnprotectFailed();
                }

                break;
            case RtcPacketKind.Dtls or RtcPacketKind.Rtp or RtcPacketKind.Rtcp:
                Counters.CountNotValidated();
                break;
            default:
                Counters.CountUnknown();
                break;
        }
    }

    private void OnStun(ReadOnlySpan<byte> datagram, SocketAddress remote, Span<byte> response)
    {
        var result = Ice.OnBindingRequest(datagram, remote, response, out var length);
        if (length > 0)
        {
            lock (_sendGate)
            {
                TrySend(response[..length], remote);
            }
        }

        if (result == IceCheckResult.Refused)
        {
            Counters.CountUnauthenticated();
            return;
        }

        if (result == IceCheckResult.AddressNotKept)
        {
            Counters.CountNotValidated();
            return;
        }

        _events.OnIceCheck(result);
    }

    private void OnDtls(ReadOnlySpan<byte> datagram, SocketAddress remote)
    {
        if (Volatile.Read(ref _dtls) is not { } dtls)
        {
            // DTLS before the offer was processed: we cannot check the browser's certificate yet.
            Counters.CountNotSecured();
            return;
        }

        var peer = Volatile.Read(ref _dtlsPeer);
        if (peer is null || !peer.Equals(remote))
        {
            var copy = new SocketAddress(remote.Family, remote.Size);
            remote.Buffer.Span.CopyTo(copy.Buffer.Span);
            Volatile.Write(ref _dtlsPeer, copy);
            if (peer is null)
            {
                _events.OnDtlsStateChanged(DtlsConnectionState.Connecting, null);
            }
        }

        dtls.OnDatagram(datagram);
    }

    private async Task CompleteHandshakeAsync(DtlsServerSession dtls, Task<SrtpKeyingMaterial> handshake)
    {
        SrtpKeyingMaterial keys;
        try
        {
            keys = await handshake.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (DtlsHandshakeException ex) when (!ex.ClientHelloReceived)
        {
            // The browser never started DTLS (the call ended first): routine, counted by the DTLS layer, not a warning.
            _events.OnDtlsStateChanged(DtlsConnectionState.Failed, ex.Message);
            return;
        }
        catch (Exception ex)
        {
            TransportLog.HandshakeFailed(_logger, LocalPort, ex.Message);
            _events.OnDtlsStateChanged(DtlsConnectionState.Failed, ex.Message);
            return;
        }

        if (Secure(keys.Profile, keys.ClientWriteKey.Span, keys.ClientWriteSalt.Span, keys.ServerWriteKey.Span, keys.ServerWriteSalt.Span))
        {
            _events.OnDtlsStateChanged(DtlsConnectionState.Connected, null);
            _events.OnSecured();
            _ = ObserveCloseAsync(dtls);
        }
    }

    /// <summary>
    /// Installs the SRTP contexts: inbound from the browser's (DTLS client's) key and salt, outbound from ours.
    /// Internal so benchmarks can key a transport without a handshake; false once disposed.
    /// </summary>
    internal bool Secure(SrtpProfile profile, ReadOnlySpan<byte> clientKey, ReadOnlySpan<byte> clientSalt, ReadOnlySpan<byte> serverKey, ReadOnlySpan<byte> serverSalt)
    {
        var inbound = SrtpContext.Create(profile, clientKey, clientSalt);
        var outbound = SrtpContext.Create(profile, serverKey, serverSalt);
        lock (_sendGate)
        {
            // Both contexts are published under the gate that DisposeAsync takes to dispose them: either this sees
            // the transport disposed, or DisposeAsync finds (and disposes) both.
            if (Volatile.Read(ref _disposed) != 0)
            {
                inbound.Dispose();
                outbound.Dispose();
                return false;
            }

            _outbound = outbound;
            Volatile.Write(ref _inbound, inbound);
        }

        TransportLog.Secured(_logger, LocalPort, profile);
        return true;
    }

    private async Task ObserveCloseAsync(DtlsServerSession dtls)
    {
        await dtls.Closed.ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) == 0)
        {
            _events.OnDtlsStateChanged(DtlsConnectionState.Closed, "the browser closed the DTLS connection");
        }
    }
}
