using System.Collections.Concurrent;

namespace One2One.MediaServer.Relay;

/// <summary>
/// One timer for the whole media server that notices what packets cannot: media that stopped flowing, and ICE
/// consent that expired (RFC 7675: no valid check for 30 s). Ticks every second on the server's TimeProvider.
/// </summary>
internal sealed class MediaFlowMonitor : IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<WebRtcSession, byte> _sessions = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    public MediaFlowMonitor(TimeProvider time)
    {
        _time = time;
        _timer = time.CreateTimer(static s => ((MediaFlowMonitor)s!).Tick(), this, Period, Period);
    }

    public void Add(WebRtcSession session) => _sessions.TryAdd(session, 0);

    public void Remove(WebRtcSession session) => _sessions.TryRemove(session, out _);

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        var now = _time.GetTimestamp();
        foreach (var session in _sessions.Keys)
        {
            session.CheckTimeouts(now);
        }
    }
}
