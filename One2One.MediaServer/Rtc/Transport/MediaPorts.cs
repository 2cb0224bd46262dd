using System.Net;
using One2One.MediaServer.Rtc.Srtp;
using One2One.MediaServer.Rtc.Transport.Tcp;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// The media server's network face: the one UDP port with its workers, the ICE-TCP port (unless disabled), and the
/// directory that tells which transport a datagram or connection belongs to. Made once per media server (by the
/// session factory) and disposed with it.
/// </summary>
internal sealed class MediaPorts : IDisposable
{
    public MediaPorts(MediaServerOptions options, ILoggerFactory loggers, TimeProvider? time = null, IceTcpOptions? tcp = null)
    {
        InboundPacketsPerSecond = options.MaxInboundPacketsPerSecond;
        var bind = IPAddress.Parse(options.BindAddress);
        Udp = new UdpMediaPort(bind, new PortChoice(options.UdpPort, options.MinPort, options.MaxPort, "MediaServer:UdpPort"),
            options.EffectiveWorkers, options.UdpBatch, Directory, loggers);
        try
        {
            Tcp = options.TcpPort < 0 ? null : new IceTcpListener(bind, new PortChoice(options.TcpPort, options.MinPort, options.MaxPort, "MediaServer:TcpPort"),
                Directory, tcp ?? new IceTcpOptions(), time ?? TimeProvider.System, loggers.CreateLogger<IceTcpListener>());
        }
        catch
        {
            Udp.Dispose();
            throw;
        }

        _ = AcceleratedAes.IsEnabled; // the self-test runs now, not on the first call's packets
        TransportLog.Listening(loggers.CreateLogger<MediaPorts>(), bind.ToString(), Udp.Port, Tcp?.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off",
            Udp.Threads.Count, Udp.IsBatched ? options.UdpBatch : 1, AcceleratedAes.Reason);
    }

    public TransportDirectory Directory { get; } = new();

    /// <summary><c>MediaServer:MaxInboundPacketsPerSecond</c>: what each transport takes from its browser (<see cref="InboundMediaBudget"/>); 0 = no limit.</summary>
    public int InboundPacketsPerSecond { get; }

    public UdpMediaPort Udp { get; }

    /// <summary>The ICE-TCP port; null when <c>MediaServer:TcpPort</c> is -1.</summary>
    public IceTcpListener? Tcp { get; }

    /// <summary>Transports attached to the ports: one per live endpoint.</summary>
    public int TransportCount => Directory.Count;

    public void Dispose()
    {
        Tcp?.Dispose();
        Udp.Dispose();
    }
}
