namespace One2One.MediaServer.Rtc.Dtls;

/// <summary>
/// How DTLS handshakes ended, counted rather than logged one by one (an endpoint whose browser never sent a
/// ClientHello is routine: the call ended first). Process-wide by default; any thread, Interlocked.
/// </summary>
internal sealed class DtlsHandshakeStatistics
{
    private long _completed;
    private long _failed;
    private long _neverStarted;
    private long _cancelled;

    public static DtlsHandshakeStatistics Shared { get; } = new();

    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Failed after a ClientHello: a protocol failure, an alert from the client, or the handshake timeout.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Ended (timed out, cancelled or disposed) before the client sent a ClientHello.</summary>
    public long NeverStarted => Interlocked.Read(ref _neverStarted);

    /// <summary>Cancelled or disposed after the ClientHello, before the handshake finished.</summary>
    public long Cancelled => Interlocked.Read(ref _cancelled);

    internal void CountCompleted() => Interlocked.Increment(ref _completed);

    internal void CountFailed() => Interlocked.Increment(ref _failed);

    internal void CountNeverStarted() => Interlocked.Increment(ref _neverStarted);

    internal void CountCancelled() => Interlocked.Increment(ref _cancelled);
}
