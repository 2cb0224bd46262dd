using System.Net;
using Microsoft.Extensions.Options;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Transport;

namespace One2One.MediaServer.Relay;

/// <summary>
/// Makes the media machinery of each WebRtcEndpoint and owns what they share: the UDP ports, the relay graph
/// and the flow/consent monitor.
/// </summary>
internal sealed class WebRtcSessionFactory : IWebRtcSessionFactory, IDisposable
{
    public WebRtcSessionFactory(IOptions<MediaServerOptions> options, ILoggerFactory loggers, TimeProvider time)
    {
        Options = options.Value;
        Loggers = loggers;
        Time = time;
        Ports = new UdpPortAllocator(IPAddress.Parse(Options.BindAddress), Options.MinPort, Options.MaxPort);
        AnnouncedAddresses = [.. Options.EffectiveAnnouncedAddresses.Select(IPAddress.Parse)];
        Monitor = new MediaFlowMonitor(time);
    }

    public MediaServerOptions Options { get; }

    public ILoggerFactory Loggers { get; }

    public TimeProvider Time { get; }

    public UdpPortAllocator Ports { get; }

    public IReadOnlyList<IPAddress> AnnouncedAddresses { get; }

    public RelayGraph Graph { get; } = new();

    public MediaFlowMonitor Monitor { get; }

    public int OpenSocketCount => Ports.OpenSocketCount;

    public IWebRtcSession Create(WebRtcEndpointSettings settings, IWebRtcSessionObserver observer) => new WebRtcSession(settings, observer, this);

    public void Dispose() => Monitor.Dispose();
}
