using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using One2One.MediaServer;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Protocol;
using One2One.MediaServer.Relay;
using One2One.Tests.MediaServer.Relay.Support;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>The factory is the last owner of the media: disposing it leaves no transport, socket or worker thread behind.</summary>
public sealed class WebRtcSessionFactoryTests
{
    [Fact]
    public async Task Disposing_the_factory_closes_the_sessions_nobody_released_and_refuses_new_ones()
    {
        var factory = new WebRtcSessionFactory(Options.Create(new MediaServerOptions()), NullLoggerFactory.Instance, TimeProvider.System);
        var released = (WebRtcSession)factory.Create(new WebRtcEndpointSettings("released"), new RecordingSessionObserver());
        var orphan = (WebRtcSession)factory.Create(new WebRtcEndpointSettings("orphan"), new RecordingSessionObserver());
        await released.DisposeAsync();
        var liveBefore = factory.LiveSessions;
        var workers = factory.Ports.Udp.Threads;
        var port = factory.Ports.Udp.Port;

        await factory.DisposeAsync();
        var late = () => factory.Create(new WebRtcEndpointSettings("late"), new RecordingSessionObserver());

        liveBefore.Should().Equal(orphan);
        factory.OpenSocketCount.Should().Be(0);
        factory.LiveSessions.Should().BeEmpty();
        orphan.Transport.IsClosed.Should().BeTrue();
        workers.Should().AllSatisfy(t => t.IsAlive.Should().BeFalse());
        using var rebound = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        rebound.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port)); // the port's sockets are closed
        late.Should().Throw<KurentoErrorException>().Which.Code.Should().Be(KurentoErrorCode.NotEnoughResources);
        factory.OpenSocketCount.Should().Be(0);
    }
}
