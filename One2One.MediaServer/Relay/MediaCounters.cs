using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Relay;

/// <summary>
/// Packets and bytes of one kind in one direction, and whether media is flowing. Updated from relay loops with
/// Interlocked; the flow state flips to flowing on the first packet and back after <see cref="FlowTimeout"/>
/// of silence (checked by <see cref="MediaFlowMonitor"/>).
/// </summary>
internal sealed class MediaCounters(KurentoMediaType kind)
{
    public static readonly TimeSpan FlowTimeout = TimeSpan.FromSeconds(2);

    private long _packets;
    private long _bytes;
    private long _lastPacketTimestamp;
    private int _flowing;
    private uint _ssrc;

    public KurentoMediaType Kind { get; } = kind;

    public long Packets => Interlocked.Read(ref _packets);

    public long Bytes => Interlocked.Read(ref _bytes);

    public uint Ssrc => Volatile.Read(ref _ssrc);

    public bool IsFlowing => Volatile.Read(ref _flowing) != 0;

    /// <summary>Counts a packet; true when this packet started the flow (the caller reports FLOWING).</summary>
    public bool Count(int length, uint ssrc, long timestamp)
    {
        Interlocked.Increment(ref _packets);
        Interlocked.Add(ref _bytes, length);
        Volatile.Write(ref _ssrc, ssrc);
        Volatile.Write(ref _lastPacketTimestamp, timestamp);
        return Volatile.Read(ref _flowing) == 0 && Interlocked.Exchange(ref _flowing, 1) == 0;
    }

    /// <summary>True when the flow just stopped (the caller reports NOT_FLOWING).</summary>
    public bool CheckStopped(TimeProvider time, long now) =>
        Volatile.Read(ref _flowing) != 0
        && time.GetElapsedTime(Volatile.Read(ref _lastPacketTimestamp), now) > FlowTimeout
        && Interlocked.Exchange(ref _flowing, 0) == 1;
}
