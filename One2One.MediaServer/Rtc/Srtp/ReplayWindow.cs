namespace One2One.MediaServer.Rtc.Srtp;

/// <summary>
/// The highest packet index accepted and a 64-packet window below it (RFC 3711 §3.3.2), for SRTCP (RTP has
/// <see cref="RtpReplayWindow"/>). Bit i of <see cref="Seen"/> is set when index <see cref="Highest"/> - i was accepted.
/// </summary>
internal struct ReplayWindow
{
    public const int Size = 64;

    public ulong Highest;
    public ulong Seen;

    public static ReplayWindow StartingAt(ulong index) => new() { Highest = index, Seen = 1 };

    /// <summary>Already accepted, or too far behind the window to tell.</summary>
    public readonly bool IsReplay(ulong index)
    {
        if (index > Highest)
        {
            return false;
        }

        ulong behind = Highest - index;
        return behind >= Size || ((Seen >> (int)behind) & 1) != 0;
    }

    public void Accept(ulong index)
    {
        if (index > Highest)
        {
            ulong ahead = index - Highest;
            Seen = ahead >= Size ? 1 : (Seen << (int)ahead) | 1;
            Highest = index;
        }
        else if (Highest - index < Size)
        {
            Seen |= 1UL << (int)(Highest - index);
        }
    }
}
