namespace One2One.MediaServer.Rtc.Dtls.Records;

/// <summary>
/// The anti-replay sliding window of one epoch (RFC 6347 §4.1.2.6, after RFC 4303 §3.4.3): 64 sequence numbers
/// behind the highest one seen. A record is <see cref="Accept"/>ed only after it authenticated, so forged records
/// cannot move the window. Owned by the session's thread.
/// </summary>
internal struct DtlsReplayWindow
{
    private const int Size = 64;

    private long _highest;
    private ulong _seen;
    private bool _any;

    /// <summary>True if this sequence number was already accepted or is too far behind the window to tell.</summary>
    public readonly bool IsReplay(long sequenceNumber)
    {
        if (!_any || sequenceNumber > _highest)
        {
            return false;
        }

        var behind = _highest - sequenceNumber;
        return behind >= Size || (_seen & (1UL << (int)behind)) != 0;
    }

    public void Accept(long sequenceNumber)
    {
        if (!_any)
        {
            _any = true;
            _highest = sequenceNumber;
            _seen = 1;
            return;
        }

        if (sequenceNumber > _highest)
        {
            var shift = sequenceNumber - _highest;
            _seen = shift >= Size ? 1 : (_seen << (int)shift) | 1;
            _highest = sequenceNumber;
            return;
        }

        var behind = _highest - sequenceNumber;
        if (behind < Size)
        {
            _seen |= 1UL << (int)behind;
        }
    }
}
