using One2One.MediaServer.Rtc.Dtls.Handshake;

namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// Limits of one <see cref="DtlsServerSession"/>. Together they bound what a session holds for its peer, whatever
/// the peer sends: <see cref="QueueCapacity"/> × <see cref="MaxDatagramSize"/> waiting datagrams, plus
/// <see cref="MaxBufferedHandshakeBytes"/> of handshake reassembly, plus four early epoch 1 records (see
/// <see cref="MaxBufferedBytes"/>).
/// </summary>
internal sealed record DtlsServerSessionOptions
{
    /// <summary>The whole handshake must finish within this, measured by the session's <see cref="TimeProvider"/>.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>DTLS datagrams waiting to be processed; more are dropped (a client retransmits its flight).</summary>
    public int QueueCapacity { get; init; } = 32;

    /// <summary>Larger DTLS datagrams are dropped; browsers keep theirs under about 1200 bytes.</summary>
    public int MaxDatagramSize { get; init; } = 2048;

    /// <summary>The largest datagram we send (the path MTU less IP and UDP headers): our flights are fragmented to fit (RFC 6347 §4.1.1.1).</summary>
    public int MaxSendSize { get; init; } = 1200;

    /// <summary>The first retransmission timeout of a flight (RFC 6347 §4.2.4.1: 1 s), doubled at each expiry.</summary>
    public TimeSpan InitialRetransmissionTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retransmission timeout (RFC 6347 §4.2.4.1: at least 60 s, the RFC 6298 maximum).</summary>
    public TimeSpan MaxRetransmissionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The least time between two answers to the client's repeated flight (RFC 6347 §4.2.4: a repeat means our flight was
    /// lost, so it goes out again). The first repeat is answered at once; a client repeats on its own retransmission timer,
    /// which doubles from its start (RFC 6347 §4.2.4.1), so a half-second spacing delays a lost flight's recovery by half a
    /// second at most, and our own timer resends as it would anyway. A peer sending repeats as fast as it can gets one
    /// flight (about 1 KB) per interval, not one per datagram.
    /// </summary>
    public TimeSpan RepeatedFlightAnswerInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A longer handshake message from the peer is dropped. A browser's largest is its certificate (under 2 KB).</summary>
    public int MaxHandshakeMessageSize { get; init; } = 16 * 1024;

    /// <summary>The most the session holds of the peer's incomplete or out-of-order handshake messages.</summary>
    public int MaxBufferedHandshakeBytes { get; init; } = 32 * 1024;

    /// <summary>
    /// Refuse clients that do not offer extended_master_secret (RFC 7627 §5.3). Off by default: every browser offers
    /// it and then it is used; a legacy client without it still gets its SRTP keys, which RFC 7627 §5.4 warns against
    /// (the triple-handshake attack on the exporter). Turn it on when no such client must connect.
    /// </summary>
    public bool RequireExtendedMasterSecret { get; init; }

    /// <summary>Where the session counts its outcomes; the process-wide counters unless a test brings its own.</summary>
    public DtlsHandshakeStatistics Statistics { get; init; } = DtlsHandshakeStatistics.Shared;

    /// <summary>The bound on what a session holds for its peer at any time.</summary>
    public int MaxBufferedBytes => QueueCapacity * MaxDatagramSize + MaxBufferedHandshakeBytes + 4 * MaxDatagramSize;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramSize, 256, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSendSize, DtlsFlight.MinDatagramSize, nameof(MaxSendSize));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialRetransmissionTimeout, TimeSpan.Zero, nameof(InitialRetransmissionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetransmissionTimeout, InitialRetransmissionTimeout, nameof(MaxRetransmissionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(RepeatedFlightAnswerInterval, TimeSpan.Zero, nameof(RepeatedFlightAnswerInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHandshakeMessageSize, 1024, nameof(MaxHandshakeMessageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedHandshakeBytes, MaxHandshakeMessageSize, nameof(MaxBufferedHandshakeBytes));
        ArgumentNullException.ThrowIfNull(Statistics, nameof(Statistics));
    }
}

/// <summary>Where a <see cref="DtlsServerSession"/> is; the names follow Kurento's DtlsConnectionState.</summary>
internal enum DtlsSessionState { New, Connecting, Connected, Closed, Failed }
