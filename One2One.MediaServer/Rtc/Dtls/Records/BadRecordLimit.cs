namespace One2One.MediaServer.Rtc.Dtls.Records;

/// <summary>
/// How many epoch 1 records that fail authentication a connection examines per <see cref="Window"/> when each failure
/// costs an exception (<see cref="DtlsRecordProtection.RefusesWithoutException"/> false: AES-256, or no AES-NI). Past
/// the limit, epoch 1 records are dropped unexamined until the window ends, so a peer that floods its own validated
/// address with forged records costs at most <see cref="FailuresPerWindow"/> exceptions a second, not one per record.
/// <para>
/// RFC 6347 §4.1.2.7 allows discarding bad records silently or ending the association after too many. We discard:
/// anyone who can put datagrams on the browser's path (one spoofing its address) could otherwise end its call. A
/// browser's record corrupted on the way costs one of the limit and nothing else. While a flood is over the limit, the
/// browser's own epoch 1 records (a repeated Finished flight, an alert; its media is SRTP, not DTLS) are dropped with
/// the forged ones for the rest of the second and it retransmits; a spoofer can as well fill the session's queue.
/// </para>
/// Owned by the connection's thread (the session's lock).
/// </summary>
internal sealed class BadRecordLimit(TimeProvider time)
{
    public const int FailuresPerWindow = 16;

    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private long _windowStart;
    private int _failures;

    /// <summary>Whether the next record may be authenticated: under the limit, or the window that reached it is over.</summary>
    public bool MayExamine()
    {
        if (_failures < FailuresPerWindow)
        {
            return true;
        }

        if (time.GetElapsedTime(_windowStart) < Window)
        {
            return false;
        }

        _failures = 0;
        return true;
    }

    /// <summary>A record failed authentication; the first failure of a window, or the first after it ended, starts one.</summary>
    public void CountFailure()
    {
        if (_failures == 0 || time.GetElapsedTime(_windowStart) >= Window)
        {
            _windowStart = time.GetTimestamp();
            _failures = 0;
        }

        _failures++;
    }
}
