namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// How many packets of one kind (RTP and RTCP; or STUN and DTLS) one transport takes from its browser: for media, at most a tenth of
/// <c>MediaServer:MaxInboundPacketsPerSecond</c> in each <see cref="Window"/> (by default 1,000: 10,000 a second, about
/// 100 Mbit/s of 1,200-byte packets, far above any browser's call).
/// Asked before the transport's receive gate, so that a browser flooding from several validated addresses (the kernel
/// spreads them over the media workers) has its excess dropped for the price of an increment, instead of holding
/// every worker at that gate while the other calls on them wait.
/// </summary>
/// <remarks>Lock-free: any worker may ask. Two workers crossing a window's end may both start a new one; a window then
/// allows a few packets more, which does not matter.</remarks>
internal sealed class InboundMediaBudget(TimeProvider time, int packetsPerSecond)
{
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);

    /// <summary>What a window allows; 0 = no limit.</summary>
    public int PacketsPerWindow { get; } = packetsPerSecond <= 0 ? 0 : Math.Max(1, packetsPerSecond / 10);

    private long _windowStart = time.GetTimestamp();
    private int _taken;

    /// <summary>Takes one packet from the current window's budget; false when it is spent.</summary>
    public bool TryTake()
    {
        if (PacketsPerWindow == 0)
        {
            return true;
        }

        var start = Volatile.Read(ref _windowStart);
        var now = time.GetTimestamp();
        if (time.GetElapsedTime(start, now) >= Window && Interlocked.CompareExchange(ref _windowStart, now, start) == start)
        {
            Volatile.Write(ref _taken, 0);
        }

        return Interlocked.Increment(ref _taken) <= PacketsPerWindow;
    }
}
