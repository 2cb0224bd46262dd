using System.Buffers.Binary;
using System.Net;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Rtp;
using One2One.MediaServer.Rtc.Srtp;
using One2One.MediaServer.Rtc.Transport.Tcp;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// One WebRtcEndpoint's bundled transport on the media server's shared ports: the ICE-lite agent, the DTLS server and
/// the SRTP contexts. The ports' workers hand it the datagrams the <see cref="TransportDirectory"/> says are its own
/// (checks naming its ufrag, anything from an address it validated); it hands decrypted RTP and RTCP up and encrypts
/// and sends what the relay gives it. Datagrams are told apart by their first byte (RFC 7983); anything from a path
/// that has not passed ICE, anything before keys exist and anything that fails SRTP is dropped and counted.
/// </summary>
/// <remarks>
/// Threading. <see cref="_receiveGate"/> serializes the receive side: whichever worker (or ICE-TCP connection) has a
/// datagram for this transport takes it, so the ICE agent's check state, the inbound SRTP context and the DTLS peer
/// have one owner at a time. It is per transport and almost never contended: the kernel keeps a browser's address
/// on one worker. Sends (from any worker's relay, the DTLS session's work items and timers, the control path) are
/// serialized by <see cref="_sendGate"/>, which guards the outbound SRTP context; both contexts are installed and
/// disposed under it. <see cref="_dtlsPeer"/> is written under the receive gate and read by the DTLS session.
/// The receive gate may take a send gate (relaying to a sink, answering a check), never the other way round. The
/// endpoint's own lock may take the receive gate (an ICE restart, under its negotiation lock), so what the receive path
/// reports that takes that lock (<see cref="ITransportEvents.OnIceCheck"/>) is reported after the gate is let go.
/// </remarks>
internal sealed class WebRtcTransport : IDatagramSender, IAsyncDisposable
{
    /// <summary>Large enough for any RTP packet a browser sends (they stay under the path MTU).</summary>
    public const int BufferSize = 2048;

    /// <summary>Room kept after a packet so it can be re-protected in place (the largest SRTCP trailer).</summary>
    internal const int TailRoom = 64;

    private readonly MediaPorts _ports;
    private readonly ITransportEvents _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly InboundMediaBudget _inboundBudget;

    // STUN checks and DTLS records (and anything else routed here), each costing HMACs or a handshake step under the gate:
    // a browser sends a few checks a second per candidate pair and a handful of DTLS flights; a page knows its own ICE
    // credentials, so it could flood valid checks from many ports.
    private readonly InboundMediaBudget _controlBudget;

    // STUN from an address the transport does not hold (a new path's first checks, or anyone who read the ufrag off the
    // wire: it travels in clear in every check): counted apart before its authentication, so a stranger's flood can delay
    // new paths but never take the held paths' consent checks and DTLS.
    private readonly InboundMediaBudget _strangerBudget;

    /// <summary>STUN, DTLS and other datagrams a transport takes per second (when the media budget is on).</summary>
    public const int ControlPacketsPerSecond = 1_000;
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _receiveGate = new();
    private readonly Lock _sendGate = new();
    private IceLiteAgent _ice; // replaced by Restart under the receive gate; read anywhere (Volatile)
    private DtlsServerSession? _dtls;
    private IcePath? _dtlsPeer;
    private SrtpContext? _inbound;
    private SrtpContext? _outbound;
    private int _keyEpoch; // which keys are installed; written under the send gate, read anywhere (Volatile)
    private bool _closed;
    private int _disposed;

    /// <summary>Attaches to the ports under the agent's ufrag; throws <see cref="InvalidOperationException"/> when another transport has it.</summary>
    public WebRtcTransport(MediaPorts ports, IceLiteAgent ice, ITransportEvents events, ILoggerFactory loggers, TimeProvider time)
    {
        _ports = ports;
        _ice = ice;
        _events = events;
        _logger = loggers.CreateLogger<WebRtcTransport>();
        _time = time;
        _inboundBudget = new InboundMediaBudget(time, ports.InboundPacketsPerSecond);
        _controlBudget = new InboundMediaBudget(time, ports.InboundPacketsPerSecond == 0 ? 0 : ControlPacketsPerSecond);
        _strangerBudget = new InboundMediaBudget(time, ports.InboundPacketsPerSecond == 0 ? 0 : ControlPacketsPerSecond);
        Loggers = loggers;
        if (!ports.Directory.TryRegister(ice.Local.Ufrag, this))
        {
            throw new InvalidOperationException($"The ICE ufrag {ice.Local.Ufrag} is in use by another transport.");
        }
    }

    /// <summary>The shared UDP port this transport's host candidates name.</summary>
    public int LocalPort => _ports.Udp.Port;

    /// <summary>The ICE-TCP port its passive TCP candidates name; null when ICE-TCP is off.</summary>
    public int? TcpPort => _ports.Tcp?.Port;

    /// <summary>The ICE agent of the current ICE credentials (a new one after each <see cref="Restart"/>).</summary>
    public IceLiteAgent Ice => Volatile.Read(ref _ice);

    public TransportCounters Counters { get; } = new();

    public bool IsSecured => Volatile.Read(ref _inbound) is not null;

    /// <summary>Which keys are installed: 0 before any, one more at each DTLS association (written under the send gate).</summary>
    public int KeyEpoch => Volatile.Read(ref _keyEpoch);

    /// <summary>The DTLS session of the current association (null before the offer, and between a restart's clear and its new session).</summary>
    internal DtlsServerSession? Dtls => Volatile.Read(ref _dtls);

    /// <summary>True once its dispose has detached it (before DTLS closes): no worker will hand it another datagram.</summary>
    internal bool IsClosed
    {
        get
        {
            lock (_receiveGate)
            {
                return _closed;
            }
        }
    }

    private ILoggerFactory Loggers { get; }

    /// <summary>Starts the DTLS server; the browser's certificate must match one of <paramref name="remoteFingerprints"/>.</summary>
    public void StartDtls(IReadOnlyList<DtlsFingerprint> remoteFingerprints)
    {
        // The keys carry the session they came from: a restart may replace it while its Finished is being processed.
        DtlsServerSession? dtls = null;
        dtls = new DtlsServerSession(DtlsCertificate.Shared, this, Loggers.CreateLogger<DtlsServerSession>(), _time,
            keysReady: keys => InstallKeysOnce(dtls!, keys));
        if (Interlocked.CompareExchange(ref _dtls, dtls, null) is not null)
        {
            dtls.Dispose();
            return;
        }

        _ = CompleteHandshakeAsync(dtls, dtls.Start(remoteFingerprints, _closing.Token));
    }

    /// <summary>
    /// An ICE restart (RFC 8445 §9) on this transport: from now on only checks with <paramref name="ice"/>'s credentials
    /// are answered, and the paths the old agent validated (and the addresses it claimed on the shared port) are let go,
    /// so media waits for the browser's new path. With <paramref name="newFingerprints"/> (the offer came from a new
    /// RTCPeerConnection, whose DTLS client starts anew, whatever its certificate) the DTLS association and SRTP keys go too and a new handshake is awaited;
    /// without, they stay, as a browser keeps its DTLS transport across an ICE restart (RFC 8842 §5). False, changing
    /// nothing, when another transport holds the new ufrag.
    /// </summary>
    public bool Restart(IceLiteAgent ice, IReadOnlyList<DtlsFingerprint>? newFingerprints)
    {
        DtlsServerSession? oldDtls = null;
        lock (_receiveGate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (!_ports.Directory.TryRegister(ice.Local.Ufrag, this))
            {
                return false;
            }

            Release(_ice);
            Volatile.Write(ref _ice, ice);
            if (newFingerprints is not null)
            {
                // No close_notify: the browser's old connection is gone, and the new one has not started DTLS.
                Volatile.Write(ref _dtlsPeer, null);
                lock (_sendGate)
                {
                    // The session and its keys go in one step under the gate InstallKeysOnce checks under: keys the old
                    // session hands over from now on (its Finished may be in progress until it is disposed below) are refused.
                    oldDtls = Interlocked.Exchange(ref _dtls, null);
                    _outbound?.Dispose();
                    _outbound = null;
                    Interlocked.Exchange(ref _inbound, null)?.Dispose();
                }
            }
        }

        TransportLog.IceRestarted(_logger, ice.Local.Ufrag, newFingerprints is not null);
        if (newFingerprints is not null)
        {
            oldDtls?.Dispose();
            StartDtls(newFingerprints);
        }

        return true;
    }

    /// <summary>
    /// Encrypts an RTP packet in place (the buffer has room for the tag) and sends it to the browser; on a worker,
    /// <paramref name="context"/> lets the send join the worker's batch.
    /// </summary>
    /// <param name="history">Where to keep the protected packet for a retransmission (<see cref="TryResendRtp"/>), if anywhere.</param>
    public bool TrySendRtp(Span<byte> buffer, int length, PacketContext? context = null, RetransmissionHistory? history = null)
    {
        lock (_sendGate)
        {
            if (_outbound is not { } outbound || Ice.SendTarget is not { } target
                || !outbound.TryProtectRtp(buffer, length, out var protectedLength))
            {
                Counters.CountSendFailed();
                return false;
            }

            // The header is not encrypted: its sequence number is still readable. A history of older keys starts again
            // under these (what it held was protected with keys the browser no longer has).
            if (history is not null)
            {
                if (history.KeyEpoch != _keyEpoch)
                {
                    history.Restart(_keyEpoch);
                }

                history.Keep(buffer[..protectedLength], BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]));
            }

            return TrySend(buffer[..protectedLength], target, context);
        }
    }

    /// <summary>
    /// Sends again, as it was protected and sent, the packet <paramref name="history"/> kept for <paramref name="sequence"/>;
    /// false if it no longer holds it or has sent it again as often as it may (<see cref="RetransmissionHistory.MaxResends"/>).
    /// </summary>
    public bool TryResendRtp(RetransmissionHistory history, ushort sequence, PacketContext? context = null)
    {
        lock (_sendGate)
        {
            return history.KeyEpoch == _keyEpoch && Ice.SendTarget is { } target && history.TryTakeForResend(sequence, out var packet)
                && TrySend(packet, target, context);
        }
    }

    /// <summary>Encrypts an RTCP compound in place and sends it to the browser.</summary>
    public bool TrySendRtcp(Span<byte> buffer, int length, PacketContext? context = null)
    {
        lock (_sendGate)
        {
            if (_outbound is not { } outbound || Ice.SendTarget is not { } target
                || !outbound.TryProtectRtcp(buffer, length, out var protectedLength))
            {
                Counters.CountSendFailed();
                return false;
            }

            return TrySend(buffer[..protectedLength], target, context);
        }
    }

    /// <summary>DTLS records go back on the path the browser's DTLS came from, or the one it nominated since.</summary>
    void IDatagramSender.Send(ReadOnlySpan<byte> datagram)
    {
        if (Volatile.Read(ref _dtlsPeer) is { } peer)
        {
            lock (_sendGate)
            {
                TrySend(datagram, peer, null);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // First no datagram reaches the DTLS session any more: the transport leaves the directory and waits out any
        // worker inside it (the receive gate), and _closed turns away the ICE-TCP connections' frames. A browser that
        // floods its own path then cannot keep the session busy while it is disposed, and no worker (nor the control
        // connection releasing this endpoint) waits on it. The close_notify still needs the path: the DTLS peer path
        // stays as it is, the shared UDP port stays open, and the ICE-TCP connections are closed only after DTLS.
        // The SRTP contexts go last.
        await _closing.CancelAsync().ConfigureAwait(false);
        IceLiteAgent ice;
        lock (_receiveGate)
        {
            _closed = true;
            ice = Ice;
            Unregister(ice);
        }

        Interlocked.Exchange(ref _dtls, null)?.Dispose();
        lock (_receiveGate)
        {
            CloseTcpConnections(ice);
        }

        lock (_sendGate)
        {
            _outbound?.Dispose();
            _outbound = null;
            Interlocked.Exchange(ref _inbound, null)?.Dispose();
        }
    }

    /// <summary>
    /// Lets go of what <paramref name="agent"/> holds on the shared ports: its ufrag and validated addresses in the
    /// directory, and its ICE-TCP connections. Called under <see cref="_receiveGate"/> by a restart; the dispose takes
    /// the two steps apart, with DTLS closed between them.
    /// </summary>
    private void Release(IceLiteAgent agent)
    {
        Unregister(agent);
        CloseTcpConnections(agent);
    }

    /// <summary>The directory no longer hands this transport datagrams for <paramref name="agent"/>'s ufrag and addresses. Under <see cref="_receiveGate"/>.</summary>
    private void Unregister(IceLiteAgent agent) => _ports.Directory.Unregister(agent.Local.Ufrag, this, agent.ValidatedPaths);

    /// <summary>Closes <paramref name="agent"/>'s ICE-TCP connections. Under <see cref="_receiveGate"/>.</summary>
    private void CloseTcpConnections(IceLiteAgent agent)
    {
        foreach (var path in agent.ValidatedPaths)
        {
            (path?.Link as IceTcpConnection)?.Close();
        }
    }

    /// <summary>
    /// Lets go of a path the agent no longer keeps (a newer one took its place): its address on the shared UDP port goes
    /// back to the directory, so its datagrams are no longer handed here and another endpoint may validate it; its ICE-TCP
    /// connection, which could only carry datagrams this transport now drops, is closed. DTLS records that went to it go to
    /// the selected path instead. Under <see cref="_receiveGate"/>.
    /// </summary>
    private void Forget(IceLiteAgent agent, IcePath path)
    {
        if (path.Link is IceTcpConnection connection)
        {
            connection.Close();
        }
        else if (path.Protocol == IceProtocol.Udp)
        {
            // Only UDP addresses are claimed: an ICE-TCP path's address may equal a UDP one this transport still keeps.
            _ports.Directory.Release(path.Key, this);
        }

        Interlocked.CompareExchange(ref _dtlsPeer, agent.Selected, path);
        TransportLog.PathEvicted(_logger, agent.Local.Ufrag, path.Protocol, path.EndPoint);
    }

    private bool TrySend(ReadOnlySpan<byte> datagram, IcePath path, PacketContext? context)
    {
        if (((IMediaLink)path.Link).TrySend(datagram, path.Address, context, Counters))
        {
            return true;
        }

        Counters.CountSendFailed();
        return false;
    }

    /// <summary>
    /// One datagram through the receive path, from a worker (or an ICE-TCP connection) that found it is ours.
    /// Internal so the relay-step benchmark can drive it synchronously. <paramref name="buffer"/> needs
    /// <see cref="TailRoom"/> after the datagram.
    /// </summary>
    /// <param name="fromHeldAddress">
    /// Whether the datagram came from an address (or over an ICE-TCP connection) this transport holds, as the port's
    /// directory said when it routed it; false for STUN routed by its ufrag alone.
    /// </param>
    /// <returns>
    /// True when the datagram was a check that passed on this link and address (the path is stored), decided under the
    /// receive gate: an ICE-TCP connection's first check binds it by this, not by reading the agent afterwards, when a
    /// worker may be changing its paths.
    /// </returns>
    internal bool OnDatagram(Span<byte> buffer, int received, IMediaLink link, System.Net.SocketAddress remote, in AddressKey key, PacketContext context, bool fromHeldAddress = true)
    {
        IceCheckResult? check = null;
        IceLiteAgent? checkedBy = null;
        // Before the gate, so that a page flooding from several addresses (spread over the workers) costs each an increment.
        var kind = RtcDemux.Classify(buffer[..received]);
        var budget = kind switch
        {
            RtcPacketKind.Rtp or RtcPacketKind.Rtcp => _inboundBudget,
            RtcPacketKind.Stun when !fromHeldAddress => _strangerBudget,
            _ => _controlBudget,
        };
        if (!budget.TryTake())
        {
            Counters.CountOverBudget();
            return false;
        }

        lock (_receiveGate)
        {
            if (_closed)
            {
                return false;
            }

            var datagram = buffer[..received];
            switch (kind)
            {
                case RtcPacketKind.Stun:
                    checkedBy = Ice;
                    check = OnStun(checkedBy, datagram, link, remote, key, context);
                    break;
                case RtcPacketKind.Dtls when Ice.FindValidated(link, key) is { } path:
                    OnDtls(datagram, path);
                    break;
                case RtcPacketKind.Rtp when Ice.IsValidated(link, key):
                    if (TryUnprotect(datagram, rtcp: false, out var rtpLength))
                    {
                        _events.OnRtp(buffer, rtpLength, context);
                    }

                    break;
                case RtcPacketKind.Rtcp when Ice.IsValidated(link, key):
                    if (TryUnprotect(datagram, rtcp: true, out var rtcpLength))
                    {
                        _events.OnRtcp(buffer, rtcpLength, context);
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

        // Outside the gate: the endpoint takes its own lock for the ICE state, and holds it while it restarts ICE here.
        // A restart can come in between, so the result goes with the agent that produced it.
        if (check is { } result)
        {
            _events.OnIceCheck(checkedBy!, result);
            return true;
        }

        return false;
    }

    // Under _receiveGate: the inbound context is the receive side's. Counts what it refuses.
    private bool TryUnprotect(Span<byte> datagram, bool rtcp, out int length)
    {
        length = 0;
        if (Volatile.Read(ref _inbound) is not { } keys)
        {
            Counters.CountNotSecured();
            return false;
        }

        if (rtcp ? keys.TryUnprotectRtcp(datagram, out length) : keys.TryUnprotectRtp(datagram, out length))
        {
            return true;
        }

        Counters.CountUnprotectFailed();
        return false;
    }

    // Under _receiveGate, with the current agent. The check to report once the gate is let go, if it passed (null if not).
    private IceCheckResult? OnStun(IceLiteAgent ice, ReadOnlySpan<byte> datagram, IMediaLink link, System.Net.SocketAddress remote, in AddressKey key, PacketContext context)
    {
        // An address another transport holds stays its own: answering would make this browser send media that the
        // port hands to the other transport. An ICE-TCP connection closed already (its path evicted, under this gate,
        // while its loop had frames left to hand over) is no path to store.
        var known = ice.IsValidated(link, key);
        var mayStore = known || link switch
        {
            IceTcpConnection connection => !connection.IsClosed,
            _ => link.Protocol != IceProtocol.Udp || !_ports.Directory.IsClaimedByAnother(key, this),
        };
        var result = ice.OnBindingRequest(datagram, link, remote, context.Response, out var length, out var evicted, mayStore);
        if (evicted is not null)
        {
            Forget(ice, evicted);
        }

        if (length > 0)
        {
            lock (_sendGate)
            {
                if (!link.TrySend(context.Response.AsSpan(0, length), remote, context, Counters))
                {
                    Counters.CountSendFailed();
                }
            }
        }

        switch (result)
        {
            case IceCheckResult.Refused:
                Counters.CountUnauthenticated();
                return null;
            case IceCheckResult.AddressNotKept:
                Counters.CountNotValidated();
                return null;
        }

        if (!known && link.Protocol == IceProtocol.Udp)
        {
            _ports.Directory.TryClaim(key, this);
        }

        if (result == IceCheckResult.Nominated && Volatile.Read(ref _dtlsPeer) is not null)
        {
            // The browser moved its media to the path it nominated (a network change without an ICE restart): its DTLS
            // moves with it, and ours (a retransmitted flight, the close_notify at the end) follows, not the old path.
            Volatile.Write(ref _dtlsPeer, ice.Selected);
        }

        return result;
    }

    // Under _receiveGate.
    private void OnDtls(ReadOnlySpan<byte> datagram, IcePath path)
    {
        if (Volatile.Read(ref _dtls) is not { } dtls)
        {
            // DTLS before the offer was processed: we cannot check the browser's certificate yet.
            Counters.CountNotSecured();
            return;
        }

        var peer = Volatile.Read(ref _dtlsPeer);
        if (!ReferenceEquals(peer, path))
        {
            Volatile.Write(ref _dtlsPeer, path);
            if (peer is null)
            {
                _events.OnDtlsStateChanged(DtlsConnectionState.Connecting, null);
            }
        }

        dtls.OnDatagram(datagram);
    }

    /// <summary>
    /// Reports a handshake's failure unless an ICE restart with a new certificate replaced its session meanwhile: the old
    /// one's end (its wait for a ClientHello running out, say) says nothing of the association that replaced it.
    /// </summary>
    private void ReportFailedIfCurrent(DtlsServerSession dtls, string reason)
    {
        if (ReferenceEquals(Volatile.Read(ref _dtls), dtls))
        {
            _events.OnDtlsStateChanged(DtlsConnectionState.Failed, reason);
        }
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
            ReportFailedIfCurrent(dtls, ex.Message);
            return;
        }
        catch (Exception ex)
        {
            TransportLog.HandshakeFailed(_logger, Ice.Local.Ufrag, ex.Message);
            ReportFailedIfCurrent(dtls, ex.Message);
            return;
        }

        // False too when an ICE restart with a new certificate replaced the session while it completed.
        if (InstallKeysOnce(dtls, keys))
        {
            _events.OnDtlsStateChanged(DtlsConnectionState.Connected, null);
            _events.OnSecured();
            _ = ObserveCloseAsync(dtls);
        }
    }

    /// <summary>
    /// Installs the SRTP keys of <paramref name="from"/>'s handshake once: the DTLS session hands them over before our
    /// Finished goes out (so the browser's first media finds them), and the handshake's continuation finds them
    /// installed. True when they are installed (now or before); false once disposed, or when <paramref name="from"/> is
    /// no longer the current session (an ICE restart with a new certificate replaced it): its keys are the old
    /// association's, and installed they would also make the new handshake's keys look installed already.
    /// </summary>
    /// <remarks>
    /// Under <see cref="_sendGate"/>, which <see cref="Restart"/> replaces the session and clears the keys under, so the
    /// check and the install are one step against it. The hand-over runs under the DTLS session's gate, which may take
    /// the send gate (its records go out under it); the contexts are made here, once per handshake.
    /// </remarks>
    private bool InstallKeysOnce(DtlsServerSession from, SrtpKeyingMaterial keys)
    {
        lock (_sendGate)
        {
            if (!ReferenceEquals(Volatile.Read(ref _dtls), from))
            {
                return false;
            }

            if (IsSecured)
            {
                return true;
            }

            var inbound = SrtpContext.Create(keys.Profile, keys.ClientWriteKey.Span, keys.ClientWriteSalt.Span);
            var outbound = SrtpContext.Create(keys.Profile, keys.ServerWriteKey.Span, keys.ServerWriteSalt.Span);
            if (!TryPublishUnderGate(inbound, outbound))
            {
                return false;
            }
        }

        TransportLog.Secured(_logger, Ice.Local.Ufrag, keys.Profile);
        return true;
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
            if (!TryPublishUnderGate(inbound, outbound))
            {
                return false;
            }
        }

        TransportLog.Secured(_logger, Ice.Local.Ufrag, profile);
        return true;
    }

    /// <summary>Under <see cref="_sendGate"/>: publishes both contexts, or disposes them when the transport is disposed.</summary>
    private bool TryPublishUnderGate(SrtpContext inbound, SrtpContext outbound)
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
        Volatile.Write(ref _keyEpoch, _keyEpoch + 1);
        Volatile.Write(ref _inbound, inbound);
        return true;
    }

    private async Task ObserveCloseAsync(DtlsServerSession dtls)
    {
        await dtls.Closed.ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) == 0 && ReferenceEquals(Volatile.Read(ref _dtls), dtls))
        {
            _events.OnDtlsStateChanged(DtlsConnectionState.Closed, "the browser closed the DTLS connection");
        }
    }
}
