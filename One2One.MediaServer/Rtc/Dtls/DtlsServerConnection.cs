using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using One2One.MediaServer.Rtc.Dtls.Crypto;
using One2One.MediaServer.Rtc.Dtls.Handshake;
using One2One.MediaServer.Rtc.Dtls.Records;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// The DTLS 1.2 server state machine of one connection (RFC 6347 over RFC 5246), driven by datagrams and timer
/// expiries, never blocking: each call does what the input allows and returns. The flights, with the HelloVerifyRequest
/// exchange left out (see below):
/// <code>
///   ClientHello                  -->
///                                <--  ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone
///   Certificate, ClientKeyExchange,
///   CertificateVerify, [ChangeCipherSpec], Finished  -->
///                                <--  [ChangeCipherSpec], Finished
/// </code>
/// <para>
/// No HelloVerifyRequest cookie (RFC 6347 §4.2.1 makes it optional), which saves a round trip at call set-up. The
/// session only sees datagrams from an address that has passed an ICE connectivity check with our credentials; that
/// proves the sender knows them, not that it receives there (the endpoint's own client could forge its source), so it
/// is not the return-routability proof a cookie gives. What bounds the amplification instead is the resend limit: our
/// flight goes out for the ClientHello, on our timer, and for a real repeat at most once per
/// <see cref="DtlsServerSessionOptions.RepeatedFlightAnswerInterval"/>. No session resumption (empty session_id), and
/// renegotiation is refused (RFC 5746 with an empty renegotiation_info; a later ClientHello gets a no_renegotiation
/// warning). The ChangeCipherSpec carries nothing we need: epoch numbers say which keys protect a record.
/// </para>
/// Not thread-safe: the session calls it only under its lock.
/// </summary>
internal sealed class DtlsServerConnection : IDisposable
{
    /// <summary>Epoch 1 records that overtake the ClientKeyExchange wait for its keys; more are dropped.</summary>
    private const int MaxEarlyRecords = 4;

    private readonly DtlsCertificate _certificate;
    private readonly DtlsFingerprint[] _expectedFingerprints;
    private readonly DtlsServerSessionOptions _options;
    private readonly IDatagramSender _sender;
    private readonly IRetransmissionTimer _timer;
    private readonly ILogger _logger;
    private readonly Action<SrtpKeyingMaterial>? _keysReady;
    private readonly TimeProvider _time;
    private readonly DtlsRecordLayer _records;
    private readonly HandshakeReassembler _reassembler;
    private readonly List<byte[]> _earlyRecords = [];
    private HandshakeTranscript? _transcript = new();
    private ClientHello? _hello;
    private DtlsCipherSuite? _suite;
    private SrtpProfile _profile;
    private byte[]? _serverRandom;
    private EcdheP256? _ecdhe;
    private X509Certificate2? _clientCertificate;
    private byte[]? _masterSecret;
    private HandshakeType _expected = HandshakeType.ClientHello;
    private int _nextSendSequence;
    private DtlsFlight? _lastFlight;
    private HandshakeMessage? _peerLastMessage;
    private long _repeatAnsweredAt;
    private bool _repeatAnswered;
    private TimeSpan _retransmissionTimeout;
    private int _earlyRecordBytes;

    public DtlsServerConnection(
        DtlsCertificate certificate,
        IReadOnlyList<DtlsFingerprint> expectedClientFingerprints,
        DtlsServerSessionOptions options,
        IDatagramSender sender,
        IRetransmissionTimer timer,
        ILogger logger,
        Action<SrtpKeyingMaterial>? keysReady = null,
        TimeProvider? time = null)
    {
        _certificate = certificate;
        _time = time ?? TimeProvider.System;
        _records = new DtlsRecordLayer(_time);
        _expectedFingerprints = [.. expectedClientFingerprints];
        _options = options;
        _sender = sender;
        _timer = timer;
        _logger = logger;
        _keysReady = keysReady;
        _reassembler = new HandshakeReassembler(options.MaxHandshakeMessageSize, options.MaxBufferedHandshakeBytes);
    }

    public DtlsConnectionPhase Phase { get; private set; } = DtlsConnectionPhase.AwaitingClientHello;

    public bool IsHandshaking => Phase is DtlsConnectionPhase.AwaitingClientHello or DtlsConnectionPhase.AwaitingClientFlight;

    public bool ClientHelloReceived { get; private set; }

    /// <summary>Set when the handshake completes.</summary>
    public SrtpKeyingMaterial? KeyingMaterial { get; private set; }

    public DtlsCipherSuite? CipherSuite => _suite;

    public bool ExtendedMasterSecret { get; private set; }

    /// <summary>Why the handshake failed, in words a log reader can act on.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>How the connection ended after the handshake, for the log.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Authenticated application_data records (we use none: no data channels); counted, then dropped.</summary>
    public long ApplicationDataRecords { get; private set; }

    /// <summary>Records dropped: malformed, unauthenticated, replayed, from an unknown epoch or too early.</summary>
    public long DiscardedRecords { get; private set; }

    /// <summary>Of <see cref="DiscardedRecords"/>, the epoch 1 records dropped unexamined over the <see cref="BadRecordLimit"/>.</summary>
    public long UnexaminedRecords { get; private set; }

    /// <summary>Our flights sent again: by the timer or because the client repeated its previous flight.</summary>
    public int Retransmissions { get; private set; }

    /// <summary>Bytes held for the peer: handshake reassembly and epoch 1 records waiting for their keys.</summary>
    public int BufferedBytes => _reassembler.BufferedBytes + _earlyRecordBytes;

    /// <summary>
    /// Processes one datagram: every record in it. Never throws for anything the peer sends; a protocol violation
    /// sends a fatal alert and moves to <see cref="DtlsConnectionPhase.Failed"/>. <paramref name="scratch"/> holds
    /// decrypted records (at least the largest datagram).
    /// </summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram, Span<byte> scratch)
    {
        try
        {
            var rest = datagram;
            while (!rest.IsEmpty && Phase is not (DtlsConnectionPhase.Closed or DtlsConnectionPhase.Failed))
            {
                if (!DtlsRecordHeader.TryRead(rest, out var header))
                {
                    // Without a valid header the rest of the datagram cannot be framed (RFC 6347 §4.1.2.7: discard).
                    DiscardedRecords++;
                    return;
                }

                var record = rest[..(DtlsRecordHeader.Size + header.Length)];
                rest = rest[record.Length..];
                OnRecord(header, record, scratch);
                ProcessMessages();
            }
        }
        catch (DtlsAlertException failure)
        {
            Fail(failure.Message, failure.Description);
        }
    }

    /// <summary>The retransmission timer expired (RFC 6347 §4.2.4.1): send the flight again and double the timeout.</summary>
    public void OnRetransmissionTimeout()
    {
        if (Phase != DtlsConnectionPhase.AwaitingClientFlight || _lastFlight is null)
        {
            return;
        }

        Retransmit("timer");
        _retransmissionTimeout = TimeSpan.FromTicks(Math.Min(_retransmissionTimeout.Ticks * 2, _options.MaxRetransmissionTimeout.Ticks));
        _timer.Arm(_retransmissionTimeout);
    }

    /// <summary>Ends a handshake in progress without an alert (timeout, cancellation): the peer is gone or we are.</summary>
    public void Abort(string reason)
    {
        if (IsHandshaking)
        {
            FailureReason = reason;
            Phase = DtlsConnectionPhase.Failed;
            Release();
        }
    }

    /// <summary>Ends a connected session with close_notify (RFC 5246 §7.2.1).</summary>
    public void Close()
    {
        if (Phase == DtlsConnectionPhase.Connected)
        {
            SendAlert(DtlsAlertLevel.Warning, DtlsAlertDescription.CloseNotify);
            CloseReason = "closed by us";
            Phase = DtlsConnectionPhase.Closed;
        }
    }

    public void Dispose()
    {
        Release();
        _records.Dispose();
        _lastFlight = null;
    }

    private void OnRecord(in DtlsRecordHeader header, ReadOnlySpan<byte> record, Span<byte> scratch)
    {
        var body = record[DtlsRecordHeader.Size..];
        switch (_records.Open(header, body, scratch, out var plaintext))
        {
            case DtlsRecordOpening.KeysNotYetKnown:
                KeepEarlyRecord(record);
                return;
            case DtlsRecordOpening.Discarded:
                DiscardedRecords++;
                return;
            case DtlsRecordOpening.OverBadRecordLimit:
                if (UnexaminedRecords++ == 0)
                {
                    DtlsLog.BadRecordLimitReached(_logger, BadRecordLimit.FailuresPerWindow);
                }

                DiscardedRecords++;
                return;
        }

        switch (header.ContentType)
        {
            case DtlsContentType.Handshake:
                OnHandshakeFragments(plaintext, header.Epoch);
                break;
            case DtlsContentType.Alert:
                OnAlert(plaintext, header.Epoch);
                break;
            case DtlsContentType.ApplicationData when header.Epoch == 1 && Phase == DtlsConnectionPhase.Connected:
                ApplicationDataRecords++;
                break;
            case DtlsContentType.ChangeCipherSpec when plaintext.Length == 1 && plaintext[0] == 1:
                break;
            default:
                DiscardedRecords++;
                break;
        }
    }

    private void OnHandshakeFragments(ReadOnlySpan<byte> plaintext, ushort epoch)
    {
        var repeatedFlight = false;
        var rest = plaintext;
        while (!rest.IsEmpty)
        {
            if (!HandshakeHeader.TryRead(rest, out var header))
            {
                DiscardedRecords++;
                break;
            }

            var fragment = rest.Slice(HandshakeHeader.Size, header.FragmentLength);
            rest = rest[(HandshakeHeader.Size + header.FragmentLength)..];
            if (Phase == DtlsConnectionPhase.Connected && epoch == 0)
            {
                // After the handshake, epoch 0 holds only retransmissions of the client's last flight; its Finished
                // (epoch 1) is what tells us to answer, once per retransmitted flight.
                continue;
            }

            if (Phase == DtlsConnectionPhase.Connected && header.MessageSequence >= _reassembler.NextSequence)
            {
                if (header.Type == HandshakeType.ClientHello && header.FragmentOffset == 0)
                {
                    SendAlert(DtlsAlertLevel.Warning, DtlsAlertDescription.NoRenegotiation);
                }

                continue;
            }

            var result = _reassembler.Add(header, fragment, epoch);
            if (result == HandshakeFragmentResult.AlreadyReceived && RepeatsPeerLastMessage(header, fragment, epoch))
            {
                // RFC 6347 §4.2.4: the peer repeated its previous flight, so ours was lost; send it again.
                repeatedFlight = true;
            }
        }

        if (repeatedFlight && _lastFlight is not null && MayAnswerRepeat())
        {
            Retransmit("the client repeated its flight");
            if (Phase == DtlsConnectionPhase.AwaitingClientFlight)
            {
                _timer.Arm(_retransmissionTimeout);
            }
        }
    }

    /// <summary>
    /// Whether a fragment repeats the last message of the peer's previous flight (its ClientHello, or its Finished once
    /// connected): the first fragment, carrying bytes of that message as we received it. A record that only names the
    /// message (a zero-length fragment of a message that was not empty, other bytes) is no repeat: 25 bytes would
    /// otherwise buy a kilobyte flight of ours, from anyone who can send from the browser's address.
    /// </summary>
    private bool RepeatsPeerLastMessage(in HandshakeHeader header, ReadOnlySpan<byte> fragment, ushort epoch) =>
        _peerLastMessage is { } last
        && header.MessageSequence == last.Sequence
        && header.Type == last.Type
        && epoch == last.Epoch
        && header.Length == last.Body.Length
        && header.FragmentOffset == 0
        && (header.FragmentLength > 0 || last.Body.Length == 0)
        && fragment.SequenceEqual(last.Body.AsSpan(0, header.FragmentLength));

    /// <summary>
    /// At most one answer to a repeated flight per <see cref="DtlsServerSessionOptions.RepeatedFlightAnswerInterval"/>:
    /// the first at once, so a lost flight is recovered without waiting for our timer, which goes on as it would.
    /// </summary>
    private bool MayAnswerRepeat()
    {
        var now = _time.GetTimestamp();
        if (_repeatAnswered && _time.GetElapsedTime(_repeatAnsweredAt, now) < _options.RepeatedFlightAnswerInterval)
        {
            return false;
        }

        _repeatAnswered = true;
        _repeatAnsweredAt = now;
        return true;
    }

    private void ProcessMessages()
    {
        while (IsHandshaking && _reassembler.TryTakeNext(out var message))
        {
            if (message.Type != _expected)
            {
                throw new DtlsAlertException(DtlsAlertDescription.UnexpectedMessage,
                    $"the client sent {message.Type} where {_expected} was due");
            }

            var protectedAsExpected = message.Type == HandshakeType.Finished ? message.Epoch == 1 : message.Epoch == 0;
            if (!protectedAsExpected)
            {
                throw new DtlsAlertException(DtlsAlertDescription.UnexpectedMessage,
                    $"the client sent its {message.Type} in epoch {message.Epoch}");
            }

            switch (message.Type)
            {
                case HandshakeType.ClientHello:
                    OnClientHello(message);
                    break;
                case HandshakeType.Certificate:
                    OnCertificate(message);
                    break;
                case HandshakeType.ClientKeyExchange:
                    OnClientKeyExchange(message);
                    break;
                case HandshakeType.CertificateVerify:
                    OnCertificateVerify(message);
                    break;
                case HandshakeType.Finished:
                    OnFinished(message);
                    break;
            }
        }
    }

    private void OnClientHello(HandshakeMessage message)
    {
        ClientHelloReceived = true;
        if (!ClientHello.TryParse(message.Body, out var hello, out var error))
        {
            throw new DtlsAlertException(DtlsAlertDescription.DecodeError, error!);
        }

        var (suite, profile) = DtlsNegotiation.Choose(hello!, _options.RequireExtendedMasterSecret);
        _suite = suite;
        _hello = hello!;
        _profile = profile;
        ExtendedMasterSecret = _hello.OffersExtendedMasterSecret;
        _transcript!.Append(HandshakeType.ClientHello, message.Sequence, message.Body);
        _peerLastMessage = message;

        _serverRandom = RandomNumberGenerator.GetBytes(TlsKeySchedule.RandomLength);
        _ecdhe = new EcdheP256();
        var flight = new DtlsFlight();
        AddToFlight(flight, HandshakeType.ServerHello, ServerHelloMessage.Write(_serverRandom, suite, (ushort)profile, _hello));
        AddToFlight(flight, HandshakeType.Certificate, CertificateMessage.Write(_certificate.DerEncoded));
        AddToFlight(flight, HandshakeType.ServerKeyExchange, ServerKeyExchangeMessage.Write(_hello.Random, _serverRandom, _ecdhe, _certificate));
        AddToFlight(flight, HandshakeType.CertificateRequest, CertificateRequestMessage.Write());
        AddToFlight(flight, HandshakeType.ServerHelloDone, []);
        Phase = DtlsConnectionPhase.AwaitingClientFlight;
        _expected = HandshakeType.Certificate;
        SendFlight(flight, expectsAnswer: true);
    }

    private void OnCertificate(HandshakeMessage message)
    {
        if (!CertificateMessage.TryReadFirst(message.Body, out var der))
        {
            throw new DtlsAlertException(DtlsAlertDescription.DecodeError, "the client's Certificate message is malformed");
        }

        if (der.IsEmpty)
        {
            throw new DtlsAlertException(DtlsAlertDescription.HandshakeFailure,
                "the client sent no certificate, so it cannot be checked against the offer's a=fingerprint");
        }

        _clientCertificate = ClientCertificateCheck.Authenticate(der, _expectedFingerprints);
        _transcript!.Append(HandshakeType.Certificate, message.Sequence, message.Body);
        _expected = HandshakeType.ClientKeyExchange;
    }

    private void OnClientKeyExchange(HandshakeMessage message)
    {
        if (!ClientKeyExchangeMessage.TryRead(message.Body, out var point))
        {
            throw new DtlsAlertException(DtlsAlertDescription.DecodeError, "the client's ClientKeyExchange is malformed");
        }

        if (!_ecdhe!.TryDerivePreMasterSecret(point, out var preMasterSecret))
        {
            throw new DtlsAlertException(DtlsAlertDescription.IllegalParameter, "the client's ECDHE public key is not an uncompressed point on secp256r1");
        }

        _transcript!.Append(HandshakeType.ClientKeyExchange, message.Sequence, message.Body);
        var suite = _suite!;
        _masterSecret = ExtendedMasterSecret
            ? TlsKeySchedule.ExtendedMasterSecret(suite, preMasterSecret, _transcript.Hash(suite.Hash, _transcript.Length))
            : TlsKeySchedule.MasterSecret(suite, preMasterSecret, _hello!.Random, _serverRandom);
        CryptographicOperations.ZeroMemory(preMasterSecret);
        _ecdhe.Dispose();
        _ecdhe = null;

        using (var keys = TlsKeySchedule.KeyBlock(suite, _masterSecret, _hello!.Random, _serverRandom))
        {
            _records.InstallEpoch1(
                new DtlsRecordProtection(keys.ClientWriteKey, keys.ClientWriteIv),
                new DtlsRecordProtection(keys.ServerWriteKey, keys.ServerWriteIv));
        }

        _expected = HandshakeType.CertificateVerify;
        ReplayEarlyRecords();
    }

    private void OnCertificateVerify(HandshakeMessage message)
    {
        if (!CertificateVerifyMessage.TryRead(message.Body, out var scheme, out var signature))
        {
            throw new DtlsAlertException(DtlsAlertDescription.DecodeError, "the client's CertificateVerify is malformed");
        }

        if (Array.IndexOf(TlsSignatureScheme.ClientCertificateVerify, scheme) < 0)
        {
            throw new DtlsAlertException(DtlsAlertDescription.IllegalParameter,
                $"the client signed with {TlsSignatureScheme.Name(scheme)}, which our CertificateRequest did not offer");
        }

        // RFC 5246 §7.4.8: the signature covers every handshake message up to, not including, this one.
        if (!TlsSignatureScheme.Verify(scheme, _clientCertificate!, _transcript!.Prefix(_transcript.Length), signature))
        {
            throw new DtlsAlertException(DtlsAlertDescription.DecryptError,
                $"the client's CertificateVerify ({TlsSignatureScheme.Name(scheme)}) does not verify with its certificate's key");
        }

        _transcript.Append(HandshakeType.CertificateVerify, message.Sequence, message.Body);
        _expected = HandshakeType.Finished;
    }

    private void OnFinished(HandshakeMessage message)
    {
        var suite = _suite!;
        Span<byte> expected = stackalloc byte[TlsKeySchedule.VerifyDataLength];
        TlsKeySchedule.FinishedVerifyData(suite, _masterSecret, fromClient: true, _transcript!.Hash(suite.Hash, _transcript.Length), expected);
        if (message.Body.Length != TlsKeySchedule.VerifyDataLength || !CryptographicOperations.FixedTimeEquals(expected, message.Body))
        {
            throw new DtlsAlertException(DtlsAlertDescription.DecryptError, "the client's Finished does not verify: the handshake was altered or the keys differ");
        }

        _transcript.Append(HandshakeType.Finished, message.Sequence, message.Body);
        var verifyData = new byte[TlsKeySchedule.VerifyDataLength];
        TlsKeySchedule.FinishedVerifyData(suite, _masterSecret, fromClient: false, _transcript.Hash(suite.Hash, _transcript.Length), verifyData);

        var flight = new DtlsFlight();
        flight.AddChangeCipherSpec();
        flight.AddHandshake(HandshakeType.Finished, _nextSendSequence++, verifyData, epoch: 1);
        _peerLastMessage = message;

        // RFC 5764 §4.2: the SRTP keys come from the exporter with the label EXTRACTOR-dtls_srtp and no context.
        var exported = TlsKeySchedule.Export(suite, _masterSecret, SrtpKeyingMaterial.ExporterLabel, _hello!.Random, _serverRandom,
            SrtpKeyingMaterial.ExportLength(_profile));
        KeyingMaterial = SrtpKeyingMaterial.FromExporterOutput(_profile, exported);
        CryptographicOperations.ZeroMemory(exported);
        Phase = DtlsConnectionPhase.Connected;

        // The browser sends media as soon as it has our Finished: whoever decrypts it gets the keys before it goes out.
        _keysReady?.Invoke(KeyingMaterial);
        SendFlight(flight, expectsAnswer: false);
        Release();
    }

    private void OnAlert(ReadOnlySpan<byte> plaintext, ushort epoch)
    {
        if (plaintext.Length != 2)
        {
            DiscardedRecords++;
            return;
        }

        var level = (DtlsAlertLevel)plaintext[0];
        var description = (DtlsAlertDescription)plaintext[1];
        DtlsLog.AlertReceived(_logger, level, description, epoch);
        var ends = level == DtlsAlertLevel.Fatal || description == DtlsAlertDescription.CloseNotify;
        if (!ends)
        {
            return;
        }

        if (Phase == DtlsConnectionPhase.Connected)
        {
            // After the handshake only authenticated alerts count: an epoch 0 alert could come from anyone on the path.
            if (epoch == 0)
            {
                DiscardedRecords++;
                return;
            }

            if (description == DtlsAlertDescription.CloseNotify)
            {
                // RFC 5246 §7.2.1: answer close_notify with our own.
                SendAlert(DtlsAlertLevel.Warning, DtlsAlertDescription.CloseNotify);
                CloseReason = "the client sent close_notify";
            }
            else
            {
                CloseReason = $"the client sent a fatal {Describe(description)} alert";
            }

            Phase = DtlsConnectionPhase.Closed;
            return;
        }

        FailureReason = description == DtlsAlertDescription.CloseNotify
            ? "the client closed the connection during the handshake"
            : $"the client sent a fatal {Describe(description)} alert";
        Phase = DtlsConnectionPhase.Failed;
        Release();
    }

    private void Fail(string reason, DtlsAlertDescription description)
    {
        if (!IsHandshaking)
        {
            return;
        }

        FailureReason = reason;
        SendAlert(DtlsAlertLevel.Fatal, description);
        Phase = DtlsConnectionPhase.Failed;
        Release();
    }

    private void AddToFlight(DtlsFlight flight, HandshakeType type, byte[] body)
    {
        var sequence = _nextSendSequence++;
        _transcript!.Append(type, sequence, body);
        flight.AddHandshake(type, sequence, body, epoch: 0);
    }

    private void SendFlight(DtlsFlight flight, bool expectsAnswer)
    {
        _lastFlight = flight;
        flight.Send(_records, _sender, _options.MaxSendSize);
        if (expectsAnswer)
        {
            _retransmissionTimeout = _options.InitialRetransmissionTimeout;
            _timer.Arm(_retransmissionTimeout);
        }
        else
        {
            _timer.Disarm();
        }
    }

    private void Retransmit(string why)
    {
        Retransmissions++;
        DtlsLog.FlightRetransmitted(_logger, why, Retransmissions);
        _lastFlight!.Send(_records, _sender, _options.MaxSendSize);
    }

    private void SendAlert(DtlsAlertLevel level, DtlsAlertDescription description)
    {
        // Our epoch 1 starts with our ChangeCipherSpec, which goes out with the Finished that makes us Connected.
        var epoch = (ushort)(Phase is DtlsConnectionPhase.Connected or DtlsConnectionPhase.Closed ? 1 : 0);
        Span<byte> record = stackalloc byte[DtlsRecordLayer.Overhead(1) + 2];
        var plaintext = record[DtlsRecordLayer.PlaintextOffset(epoch)..];
        plaintext[0] = (byte)level;
        plaintext[1] = (byte)description;
        var length = _records.Seal(record, DtlsContentType.Alert, epoch, 2);
        DtlsLog.AlertSent(_logger, level, description, epoch);
        _sender.Send(record[..length]);
    }

    private void KeepEarlyRecord(ReadOnlySpan<byte> record)
    {
        if (_earlyRecords.Count >= MaxEarlyRecords || record.Length > _options.MaxDatagramSize || !IsHandshaking)
        {
            DiscardedRecords++;
            return;
        }

        _earlyRecords.Add(record.ToArray());
        _earlyRecordBytes += record.Length;
    }

    /// <summary>Epoch 1 records that arrived before the ClientKeyExchange: decrypted now, fragments only (the caller processes messages).</summary>
    private void ReplayEarlyRecords()
    {
        if (_earlyRecords.Count == 0)
        {
            return;
        }

        var early = _earlyRecords.ToArray();
        _earlyRecords.Clear();
        _earlyRecordBytes = 0;
        var scratch = new byte[_options.MaxDatagramSize];
        foreach (var record in early)
        {
            if (DtlsRecordHeader.TryRead(record, out var header))
            {
                OnRecord(header, record, scratch);
            }
        }
    }

    /// <summary>Drops what only the handshake needed; what a connection needs (epoch 1 keys, the last flight) stays.</summary>
    private void Release()
    {
        _timer.Disarm();
        _reassembler.Clear();
        _earlyRecords.Clear();
        _earlyRecordBytes = 0;
        _transcript = null;
        _ecdhe?.Dispose();
        _ecdhe = null;
        _clientCertificate?.Dispose();
        _clientCertificate = null;
        _hello = null;
        _serverRandom = null;
        if (_masterSecret is not null)
        {
            CryptographicOperations.ZeroMemory(_masterSecret);
            _masterSecret = null;
        }

        if (Phase == DtlsConnectionPhase.Failed)
        {
            _lastFlight = null;
            _peerLastMessage = null;
        }
    }

    private static string Describe(DtlsAlertDescription description) =>
        Enum.IsDefined(description) ? description.ToString() : ((int)description).ToString(CultureInfo.InvariantCulture);

}

/// <summary>Where a <see cref="DtlsServerConnection"/> is.</summary>
internal enum DtlsConnectionPhase
{
    AwaitingClientHello,

    /// <summary>Our flight is out; the client's Certificate ... Finished is due.</summary>
    AwaitingClientFlight,
    Connected,
    Closed,
    Failed,
}
