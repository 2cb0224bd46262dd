namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>Limits of one <see cref="DtlsServerSession"/>.</summary>
internal sealed record DtlsServerSessionOptions
{
    /// <summary>The whole handshake must finish within this, measured by the session's <see cref="TimeProvider"/>.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>DTLS datagrams waiting for the handshake thread; more are dropped (a client retransmits its flight).</summary>
    public int QueueCapacity { get; init; } = 32;

    /// <summary>Larger DTLS datagrams are dropped; browsers keep theirs under about 1200 bytes.</summary>
    public int MaxDatagramSize { get; init; } = 2048;

    /// <summary>The largest datagram we send; BouncyCastle fragments handshake messages to fit (RFC 6347 §4.1.1.1).</summary>
    public int MaxSendSize { get; init; } = 1200;
}

/// <summary>Where a <see cref="DtlsServerSession"/> is; the names follow Kurento's DtlsConnectionState.</summary>
internal enum DtlsSessionState { New, Connecting, Connected, Closed, Failed }
