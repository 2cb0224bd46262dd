namespace One2One.MediaServer.Rtc.Transport;

/// <summary>Datagrams a transport refused, by reason. Written with Interlocked by whichever thread saw them.</summary>
internal sealed class TransportCounters
{
    private long _unknown;
    private long _unauthenticated;
    private long _notValidated;
    private long _notSecured;
    private long _unprotectFailed;
    private long _sendFailed;
    private long _overBudget;

    /// <summary>Not STUN, DTLS, RTP or RTCP by its first byte, or too large.</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    /// <summary>STUN that was not a valid check for us.</summary>
    public long Unauthenticated => Interlocked.Read(ref _unauthenticated);

    /// <summary>DTLS or media from an address that has not passed ICE, or a check from one address more than ICE keeps.</summary>
    public long NotValidated => Interlocked.Read(ref _notValidated);

    /// <summary>Media before the DTLS handshake gave us keys.</summary>
    public long NotSecured => Interlocked.Read(ref _notSecured);

    /// <summary>SRTP/SRTCP that failed authentication, replay or parsing.</summary>
    public long UnprotectFailed => Interlocked.Read(ref _unprotectFailed);

    /// <summary>Outgoing packets not sent (no keys or address yet, or a socket error).</summary>
    public long SendFailed => Interlocked.Read(ref _sendFailed);

    /// <summary>Media from the browser past the transport's <see cref="InboundMediaBudget"/>.</summary>
    public long OverBudget => Interlocked.Read(ref _overBudget);

    public long TotalDropped => Unknown + Unauthenticated + NotValidated + NotSecured + UnprotectFailed + OverBudget;

    public void CountUnknown() => Interlocked.Increment(ref _unknown);

    public void CountUnauthenticated() => Interlocked.Increment(ref _unauthenticated);

    public void CountNotValidated() => Interlocked.Increment(ref _notValidated);

    public void CountNotSecured() => Interlocked.Increment(ref _notSecured);

    public void CountUnprotectFailed() => Interlocked.Increment(ref _unprotectFailed);

    public void CountSendFailed() => Interlocked.Increment(ref _sendFailed);

    public void CountOverBudget() => Interlocked.Increment(ref _overBudget);
}
