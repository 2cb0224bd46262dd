using System.Net;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// The media server's network face: the one UDP port with its workers, and the directory that tells which
/// transport a datagram belongs to. Made once per media server (by the session factory) and disposed with it.
/// </summary>
internal sealed class MediaPorts : IDisposable
{
    public MediaPorts(MediaServerOptions options, ILoggerFactory loggers)
    {
        var bind = IPAddress.Parse(options.BindAddress);
        Udp = new UdpMediaPort(bind, new PortChoice(options.UdpPort, options.MinPort, options.MaxPort, "MediaServer:UdpPort"),
            options.EffectiveWorkers, options.UdpBatch, Directory, loggers);
        TransportLog.Listening(loggers.CreateLogger<MediaPorts>(), bind.ToString(), Udp.Port, Udp.Threads.Count, Udp.IsBatched ? options.UdpBatch : 1);
    }

    public TransportDirectory Directory { get; } = new();

    public UdpMediaPort Udp { get; }

    /// <summary>Transports attached to the ports: one per live endpoint.</summary>
    public int TransportCount => Directory.Count;

    public void Dispose() => Udp.Dispose();
}
