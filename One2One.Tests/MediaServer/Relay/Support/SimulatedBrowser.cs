using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Rtp;
using One2One.MediaServer.Rtc.Srtp;
using One2One.MediaServer.Rtc.Stun;
using One2One.Tests.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Tls;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>
/// A browser in C# over real UDP on 127.0.0.1: offers like Chromium, sends ICE checks as a controlling full agent,
/// runs the DTLS-SRTP client handshake (BouncyCastle) and then sends and receives SRTP/SRTCP. Everything it
/// receives is decrypted and queued for the test to read in order.
/// </summary>
/// <remarks>
/// Threading: one receive loop owns the inbound SRTP context and feeds the queues; the DTLS handshake runs on its own
/// thread; sends come from the test and are serialized by <see cref="_sendGate"/>, which guards the outbound context.
/// </remarks>
internal sealed class SimulatedBrowser : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Room after a packet for any SRTP/SRTCP trailer.</summary>
    private const int TrailerRoom = 64;

    private readonly Socket _socket;
    private readonly DtlsCertificate _certificate = DtlsCertificate.Create();
    private readonly BlockingCollection<byte[]> _dtlsIn = new(256);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<byte[]>> _transactions = new();
    private readonly Channel<ReceivedRtp> _rtp = Channel.CreateUnbounded<ReceivedRtp>();
    private readonly Channel<byte[]> _rtcp = Channel.CreateUnbounded<byte[]>();
    private readonly Lock _sendGate = new();
    private readonly int[] _srtpProfiles;
    private CancellationTokenSource? _receiving;
    private Task? _receiveLoop;
    private SrtpContext? _inbound;

    /// <summary>
    /// RTP and RTCP that arrived before this side's keys were in (null once they are): the handshake runs on a thread of
    /// its own, so the endpoint's first packets (a keyframe request sent as soon as it is secured) can be read before the
    /// handshake's last flight is; a browser reads them in order and keeps them. Guarded by <see cref="_earlyGate"/>.
    /// </summary>
    private List<byte[]>? _early = [];
    private readonly Lock _earlyGate = new();
    private SrtpContext? _outbound;
    private DtlsTransport? _dtls;
    private TestDtlsSrtpClient? _dtlsClient;
    private long _undecryptable;

    /// <param name="opusPayloadType">The payload type its offer gives opus (Chromium: 111).</param>
    /// <param name="vp8PayloadType">The payload type its offer gives VP8 (Chromium: 96).</param>
    /// <param name="srtpProfiles">The SRTP profiles its DTLS client offers, preferred first (default AES-GCM).</param>
    public SimulatedBrowser(byte opusPayloadType = BrowserOffer.ChromiumOpus, byte vp8PayloadType = BrowserOffer.ChromiumVp8, params SrtpProfile[] srtpProfiles)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        Offer = new BrowserOffer(
            RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 4),
            RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/", 24),
            _certificate.Fingerprint,
            RandomSsrc(),
            RandomSsrc(),
            RandomSsrc(),
            opusPayloadType,
            vp8PayloadType);
        _srtpProfiles = srtpProfiles.Length == 0 ? [(int)SrtpProfile.AeadAes128Gcm] : [.. srtpProfiles.Select(p => (int)p)];
    }

    public BrowserOffer Offer { get; }

    /// <summary>Changes the offer's text (a test of an offer shaped otherwise).</summary>
    public Func<string, string>? EditOffer { get; init; }

    public string OfferSdp => EditOffer is { } edit ? edit(Offer.ToSdp()) : Offer.ToSdp();

    public IPEndPoint LocalEndPoint { get; }

    public EndpointAnswer? Answer { get; private set; }

    public SrtpProfile? Profile => Volatile.Read(ref _outbound)?.Profile;

    /// <summary>The DTLS datagrams this browser sent (its handshake flights), for tests that replay or mangle them.</summary>
    public ConcurrentQueue<byte[]> SentDtls { get; } = new();

    /// <summary>The connectivity checks this browser sent, as sent.</summary>
    public ConcurrentQueue<byte[]> SentChecks { get; } = new();

    /// <summary>Every STUN message that reached this browser, answers to checks it no longer waits for included.</summary>
    public ConcurrentQueue<byte[]> ReceivedStun { get; } = new();

    /// <summary>SRTP/SRTCP from the endpoint that did not decrypt (or came before keys).</summary>
    public long UndecryptablePackets => Interlocked.Read(ref _undecryptable);

    /// <summary>
    /// RTP packets the network loses on the way to this browser, by sequence number (asked once per arriving datagram, on
    /// the receive loop): they never reach its SRTP context, as a packet lost on a real link.
    /// </summary>
    public Func<ushort, bool>? LosesRtp { get; set; }

    /// <summary>The candidate a browser would trickle for its socket (addIceCandidate on the endpoint).</summary>
    public string HostCandidate => $"candidate:1 1 udp 2122260223 127.0.0.1 {LocalEndPoint.Port} typ host generation 0 ufrag {Offer.Ufrag} network-id 1";

    public uint Ssrc(KurentoMediaType kind) => kind == KurentoMediaType.Audio ? Offer.AudioSsrc : Offer.VideoSsrc;

    public byte PayloadType(KurentoMediaType kind) => kind == KurentoMediaType.Audio ? Offer.OpusPayloadType : Offer.Vp8PayloadType;

    /// <summary>Reads the answer and points the socket at the endpoint; starts receiving.</summary>
    public void AcceptAnswer(string answerSdp, IPEndPoint endpoint)
    {
        Answer = EndpointAnswer.Parse(answerSdp);
        _socket.Connect(endpoint);
        StartReceiving();
    }

    /// <summary>ICE as Chromium does it with an ICE-lite peer: a plain check, then one with USE-CANDIDATE on the same pair.</summary>
    public async Task CompleteIceAsync()
    {
        (await CheckAsync(useCandidate: false)).Class.Should().Be(StunMessageClass.SuccessResponse);
        (await CheckAsync(useCandidate: true)).Class.Should().Be(StunMessageClass.SuccessResponse);
    }

    /// <summary>The DTLS client handshake against the endpoint (which must have passed ICE), then SRTP keys both ways.</summary>
    public async Task CompleteDtlsAsync()
    {
        var answer = Answer ?? throw new InvalidOperationException("No answer yet.");
        var client = new TestDtlsSrtpClient(_certificate, answer.Fingerprint, _srtpProfiles);
        var transport = new QueueTransport(this);
        var connect = Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(client, transport),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _dtls = await connect.WaitAsync(Timeout);
        _dtlsClient = client;
        var keys = client.KeyingMaterial!;
        var inbound = SrtpContext.Create(keys.Profile, keys.ServerWriteKey.Span, keys.ServerWriteSalt.Span);
        var outbound = SrtpContext.Create(keys.Profile, keys.ClientWriteKey.Span, keys.ClientWriteSalt.Span);
        List<byte[]> early;
        lock (_earlyGate)
        {
            Volatile.Write(ref _inbound, inbound);
            early = _early ?? [];
            _early = null;
        }

        foreach (var datagram in early)
        {
            OnDatagram(datagram);
        }

        lock (_sendGate)
        {
            _outbound = outbound;
        }
    }

    /// <summary>Sends a connectivity check without waiting for an answer; returns its transaction ID.</summary>
    public byte[] SendCheck(string username, string password, bool useCandidate)
    {
        var request = new byte[StunWriter.MaxLength];
        var length = WriteCheck(request, username, password, useCandidate, out var transactionId);
        Send(request.AsSpan(0, length));
        return transactionId;
    }

    /// <summary>Sends a connectivity check (USERNAME "theirUfrag:ourUfrag") and returns the endpoint's answer.</summary>
    /// <param name="wait">How long to wait for the answer (<see cref="Timeout"/> unless given); a TimeoutException after it.</param>
    public Task<ReceivedStun> CheckAsync(bool useCandidate, string? password = null, string? username = null, TimeSpan? wait = null)
    {
        var answer = Answer ?? throw new InvalidOperationException("No answer yet.");
        var request = new byte[StunWriter.MaxLength];
        var length = WriteCheck(request, username ?? $"{answer.Ufrag}:{Offer.Ufrag}", password ?? answer.Password, useCandidate, out var transactionId);
        return TransactAsync(request[..length], transactionId, wait ?? Timeout);
    }

    /// <summary>A Binding request as Chromium's controlling agent writes it.</summary>
    public static int WriteCheck(Span<byte> destination, string username, string password, bool useCandidate, out byte[] transactionId)
    {
        transactionId = RandomNumberGenerator.GetBytes(StunMessage.TransactionIdLength);
        return StunWriter.WriteBindingRequest(destination, transactionId, Encoding.ASCII.GetBytes(username), 1853824767,
            IceRole.Controlling, 0x1234_5678_9ABC_DEF0, useCandidate, Encoding.ASCII.GetBytes(password));
    }

    /// <summary>A plain RTP packet as this browser sends <paramref name="kind"/> (its SSRC and payload type unless given).</summary>
    public byte[] Rtp(KurentoMediaType kind, ushort sequenceNumber, uint timestamp, bool marker, ReadOnlySpan<byte> payload, byte? payloadType = null, uint? ssrc = null) =>
        RtpPackets.Build(payloadType ?? PayloadType(kind), sequenceNumber, timestamp, ssrc ?? Ssrc(kind), marker, payload);

    /// <summary>Encrypts a plain RTP packet with this browser's outbound keys: the datagram it would send.</summary>
    public byte[] ProtectRtp(ReadOnlySpan<byte> rtp)
    {
        var buffer = new byte[rtp.Length + TrailerRoom];
        rtp.CopyTo(buffer);
        lock (_sendGate)
        {
            var outbound = _outbound ?? throw new InvalidOperationException("No SRTP keys yet.");
            outbound.TryProtectRtp(buffer, rtp.Length, out var length).Should().BeTrue();
            return buffer[..length];
        }
    }

    public byte[] ProtectRtcp(ReadOnlySpan<byte> compound)
    {
        var buffer = new byte[compound.Length + TrailerRoom];
        compound.CopyTo(buffer);
        lock (_sendGate)
        {
            var outbound = _outbound ?? throw new InvalidOperationException("No SRTP keys yet.");
            outbound.TryProtectRtcp(buffer, compound.Length, out var length).Should().BeTrue();
            return buffer[..length];
        }
    }

    /// <summary>Encrypts and sends an RTP packet; returns the plain packet sent.</summary>
    public byte[] SendRtp(KurentoMediaType kind, ushort sequenceNumber, uint timestamp, bool marker, ReadOnlySpan<byte> payload, byte? payloadType = null, uint? ssrc = null)
    {
        var rtp = Rtp(kind, sequenceNumber, timestamp, marker, payload, payloadType, ssrc);
        Send(ProtectRtp(rtp));
        return rtp;
    }

    public void SendRtcp(ReadOnlySpan<byte> compound) => Send(ProtectRtcp(compound));

    /// <summary>Sends a datagram as it is, from this browser's address.</summary>
    public void Send(ReadOnlySpan<byte> datagram) => _socket.Send(datagram);

    public Task<ReceivedRtp> NextRtpAsync(string? because = null) => NextRtpAsync(Timeout, because);

    public async Task<ReceivedRtp> NextRtpAsync(TimeSpan within, string? because = null)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await _rtp.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No RTP arrived at the browser {because}");
        }
    }

    public async Task<byte[]> NextRtcpAsync(string? because = null)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            return await _rtcp.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No RTCP arrived at the browser {because}");
        }
    }

    /// <summary>The next RTCP compound, or null when none arrives within <paramref name="within"/> (nothing is left waiting for one).</summary>
    public async Task<byte[]?> NextRtcpOrNullAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await _rtcp.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The next RTCP compound that holds a packet <paramref name="match"/> accepts (compounds before it are skipped).</summary>
    public async Task<RtcpView> NextRtcpWithAsync(Func<RtcpView, bool> match, string because)
    {
        while (true)
        {
            var compound = await NextRtcpAsync(because);
            foreach (var packet in RtcpView.Read(compound))
            {
                if (match(packet))
                {
                    return packet;
                }
            }
        }
    }

    /// <summary>Stops reading the socket: what arrives waits in the kernel (a test that must not allocate per packet).</summary>
    public async Task StopReceivingAsync()
    {
        if (_receiving is { } receiving)
        {
            await receiving.CancelAsync();
            await _receiveLoop!;
            receiving.Dispose();
            _receiving = null;
        }
    }

    public void StartReceiving()
    {
        if (_receiving is null)
        {
            _receiving = new CancellationTokenSource();
            _receiveLoop = Task.Run(() => ReceiveLoopAsync(_receiving.Token));
        }
    }

    /// <summary>Sends the DTLS close_notify, as a browser closing its peer connection does.</summary>
    public void CloseDtls() => _dtls?.Close();

    /// <summary>Reads post-handshake DTLS records until the connection ends; true when the endpoint sent close_notify.</summary>
    public async Task<bool> ReceivesCloseNotifyAsync()
    {
        var dtls = _dtls ?? throw new InvalidOperationException("No DTLS connection.");
        var read = Task.Factory.StartNew(() =>
        {
            var buffer = new byte[2048];
            var deadline = Environment.TickCount64 + (long)Timeout.TotalMilliseconds;
            try
            {
                while (!_dtlsClient!.ReceivedAlerts.Contains(AlertDescription.close_notify) && Environment.TickCount64 < deadline)
                {
                    dtls.Receive(buffer, 0, buffer.Length, 100);
                }
            }
            catch (Exception e) when (e is TlsFatalAlertReceived or TlsFatalAlert or IOException)
            {
                // The connection ended some other way; the alerts say which.
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await read;
        return _dtlsClient!.ReceivedAlerts.Contains(AlertDescription.close_notify);
    }

    public async ValueTask DisposeAsync()
    {
        await StopReceivingAsync();
        _socket.Dispose();
        _dtlsIn.CompleteAdding();
        Volatile.Read(ref _inbound)?.Dispose();
        lock (_sendGate)
        {
            _outbound?.Dispose();
        }
    }

    private static uint RandomSsrc() => (uint)Random.Shared.NextInt64(1, uint.MaxValue);

    private async Task<ReceivedStun> TransactAsync(byte[] request, byte[] transactionId, TimeSpan? wait = null)
    {
        var pending = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = Convert.ToHexString(transactionId);
        _transactions[key] = pending;
        try
        {
            SentChecks.Enqueue(request);
            Send(request);
            return new ReceivedStun(await pending.Task.WaitAsync(wait ?? Timeout));
        }
        finally
        {
            _transactions.TryRemove(key, out _);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (!cancellationToken.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP port unreachable after the endpoint closed: nothing to read.
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            OnDatagram(buffer.AsSpan(0, received));
        }
    }

    /// <summary>Keeps <paramref name="datagram"/> for when the keys are in, if they are not yet (at most 256 datagrams).</summary>
    private bool KeptForTheKeys(Span<byte> datagram)
    {
        lock (_earlyGate)
        {
            if (Volatile.Read(ref _inbound) is not null || _early is not { Count: < 256 } early)
            {
                return false;
            }

            early.Add(datagram.ToArray());
            return true;
        }
    }

    private void OnDatagram(Span<byte> datagram)
    {
        if (Volatile.Read(ref _inbound) is null && RtcDemux.Classify(datagram) is RtcPacketKind.Rtp or RtcPacketKind.Rtcp && KeptForTheKeys(datagram))
        {
            return;
        }

        switch (RtcDemux.Classify(datagram))
        {
            case RtcPacketKind.Stun:
                ReceivedStun.Enqueue(datagram.ToArray());
                if (StunMessage.TryParse(datagram, out var message)
                    && _transactions.TryGetValue(Convert.ToHexString(message.TransactionId), out var pending))
                {
                    pending.TrySetResult(datagram.ToArray());
                }

                break;
            case RtcPacketKind.Dtls:
                _dtlsIn.TryAdd(datagram.ToArray());
                break;
            case RtcPacketKind.Rtp:
                if (LosesRtp is { } loses && datagram.Length >= RtpHeader.FixedLength && loses(BinaryPrimitives.ReadUInt16BigEndian(datagram[2..])))
                {
                    // Lost on the way: never decrypted, so SRTP's replay window has not seen it either.
                    break;
                }

                if (Volatile.Read(ref _inbound) is { } rtpKeys && rtpKeys.TryUnprotectRtp(datagram, out var rtpLength))
                {
                    _rtp.Writer.TryWrite(new ReceivedRtp(datagram[..rtpLength].ToArray()));
                }
                else
                {
                    Interlocked.Increment(ref _undecryptable);
                }

                break;
            case RtcPacketKind.Rtcp:
                if (Volatile.Read(ref _inbound) is { } rtcpKeys && rtcpKeys.TryUnprotectRtcp(datagram, out var rtcpLength))
                {
                    _rtcp.Writer.TryWrite(datagram[..rtcpLength].ToArray());
                }
                else
                {
                    Interlocked.Increment(ref _undecryptable);
                }

                break;
        }
    }

    /// <summary>The DTLS datagrams the receive loop queued, as a BouncyCastle transport for the client handshake.</summary>
    private sealed class QueueTransport(SimulatedBrowser browser) : DatagramTransport
    {
        public int GetReceiveLimit() => 2048;

        public int GetSendLimit() => 1200;

        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

        public int Receive(Span<byte> buffer, int waitMillis)
        {
            try
            {
                if (!browser._dtlsIn.TryTake(out var datagram, waitMillis == 0 ? -1 : waitMillis))
                {
                    return -1;
                }

                var length = Math.Min(datagram.Length, buffer.Length);
                datagram.AsSpan(0, length).CopyTo(buffer);
                return length;
            }
            catch (InvalidOperationException)
            {
                // The browser was disposed.
                return -1;
            }
        }

        public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

        public void Send(ReadOnlySpan<byte> buffer)
        {
            browser.SentDtls.Enqueue(buffer.ToArray());
            browser.Send(buffer);
        }

        public void Close()
        {
        }
    }
}
