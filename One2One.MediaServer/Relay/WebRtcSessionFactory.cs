using System.Net;
using Microsoft.Extensions.Options;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Protocol;
using One2One.MediaServer.Rtc.Transport;

namespace One2One.MediaServer.Relay;

/// <summary>
/// Makes the media machinery of each WebRtcEndpoint and owns what they share: the media ports and their workers,
/// the relay graph and the flow/consent monitor. It also keeps every session it made until that session is disposed,
/// so that disposing the factory (the container going away) closes whatever the protocol layer did not release, then
/// the ports: no socket or worker thread outlives it. <see cref="_live"/> and <see cref="_disposed"/> are guarded by
/// <see cref="_gate"/>.
/// </summary>
internal sealed class WebRtcSessionFactory : IWebRtcSessionFactory, IAsyncDisposable, IDisposable
{
    private readonly Lock _gate = new();
    private readonly HashSet<WebRtcSession> _live = [];
    private bool _disposed;

    public WebRtcSessionFactory(IOptions<MediaServerOptions> options, ILoggerFactory loggers, TimeProvider time, MediaTotals? totals = null)
    {
        Totals = totals ?? new MediaTotals();
        Options = options.Value;
        Loggers = loggers;
        Time = time;
        Ports = new MediaPorts(Options, loggers, time);
        Totals.TrackPort(Ports.Udp.Counters);
        if (Ports.Tcp is { } tcp)
        {
            Totals.TrackPort(tcp.Counters);
        }
        AnnouncedAddresses = [.. Options.EffectiveAnnouncedAddresses.Select(IPAddress.Parse)];
        Monitor = new MediaFlowMonitor(time);
    }

    public MediaServerOptions Options { get; }

    public ILoggerFactory Loggers { get; }

    public TimeProvider Time { get; }

    public MediaPorts Ports { get; }

    public IReadOnlyList<IPAddress> AnnouncedAddresses { get; }

    public RelayGraph Graph { get; } = new();

    public MediaFlowMonitor Monitor { get; }

    /// <summary>What every session made here counted, for metrics.</summary>
    public MediaTotals Totals { get; }

    /// <summary>Transports attached to the media ports: one per live endpoint (each had a socket of its own before the ports were shared).</summary>
    public int OpenSocketCount => Ports.TransportCount;

    /// <summary>The sessions made and not yet disposed (tests, diagnostics).</summary>
    internal IReadOnlyList<WebRtcSession> LiveSessions
    {
        get
        {
            lock (_gate)
            {
                return [.. _live];
            }
        }
    }

    /// <summary>A new session attached to the media ports; 40009 once the factory is disposed (the server is stopping).</summary>
    public IWebRtcSession Create(WebRtcEndpointSettings settings, IWebRtcSessionObserver observer)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                throw KurentoErrors.NotEnoughResources("The media server is stopping");
            }

            var session = new WebRtcSession(settings, observer, this);
            _live.Add(session);
            Totals.Track(session);
            return session;
        }
    }

    /// <summary>Called by a session as it is disposed.</summary>
    internal void OnDisposed(WebRtcSession session)
    {
        lock (_gate)
        {
            _live.Remove(session);
        }

        Totals.Retire(session);
    }

    /// <summary>Disposes every session still live, then the ports (ending their workers) and the monitor.</summary>
    public async ValueTask DisposeAsync()
    {
        WebRtcSession[] live;
        lock (_gate)
        {
            _disposed = true;
            live = [.. _live];
        }

        foreach (var session in live)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        Ports.Dispose();
        Monitor.Dispose();
    }

    /// <summary>For a container disposed synchronously: blocks until every live session is disposed.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
