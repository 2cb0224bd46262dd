namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>What a context remembers of one SSRC.</summary>
internal struct SrtpStream
{
    public uint Ssrc;
    public ulong LastUsed;

    /// <summary>RTP indexes: the highest one (ROC and s_l) and the replay window.</summary>
    public bool HasRtp;
    public RtpReplayWindow Rtp;

    /// <summary>SRTCP indexes: the last one sent, or the highest one received and the replay window.</summary>
    public bool HasRtcp;
    public ReplayWindow Rtcp;
}

/// <summary>
/// The per-SSRC state of one <see cref="SrtpContext"/>: a fixed array allocated with the context, so a
/// new SSRC costs no allocation. When full, the SSRC used least recently makes room. Owned by the
/// context, with the same one-thread-at-a-time rule.
/// </summary>
internal sealed class SrtpStreamTable(int capacity)
{
    private readonly SrtpStream[] _streams = new SrtpStream[capacity];
    private int _count;
    private int _lastFound;
    private ulong _clock;

    public int Count => _count;

    public ref SrtpStream this[int slot] => ref _streams[slot];

    /// <summary>The slot of <paramref name="ssrc"/>, or -1.</summary>
    public int Find(uint ssrc)
    {
        if (_lastFound < _count && _streams[_lastFound].Ssrc == ssrc)
        {
            return _lastFound;
        }

        for (int slot = 0; slot < _count; slot++)
        {
            if (_streams[slot].Ssrc == ssrc)
            {
                _lastFound = slot;
                return slot;
            }
        }

        return -1;
    }

    /// <summary>A fresh slot for <paramref name="ssrc"/>, which must not be in the table.</summary>
    public int Add(uint ssrc)
    {
        int slot = _count < _streams.Length ? _count++ : LeastRecentlyUsed();
        _streams[slot] = new SrtpStream { Ssrc = ssrc };
        _lastFound = slot;
        return slot;
    }

    public void Touch(int slot) => _streams[slot].LastUsed = ++_clock;

    private int LeastRecentlyUsed()
    {
        int oldest = 0;
        for (int slot = 1; slot < _streams.Length; slot++)
        {
            if (_streams[slot].LastUsed < _streams[oldest].LastUsed)
            {
                oldest = slot;
            }
        }

        return oldest;
    }
}
