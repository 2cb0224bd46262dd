using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using One2One.MediaServer;
using One2One.MediaServer.Rtc.Transport;

namespace One2One.Tests.MediaServer.Transport;

/// <summary>How the one media port is chosen and what it runs: a configured port, the first free port of a range, an ephemeral one, and a fixed set of workers that end with it.</summary>
public sealed class MediaPortsTests
{
    // Below Linux's ephemeral range (32768+), so no other socket of the test process lands on these by chance.
    private const int RangeStart = 30_150;

    [Fact]
    public void By_default_one_ephemeral_port_with_one_worker_per_processor_that_end_with_it()
    {
        var ports = new MediaPorts(new MediaServerOptions(), NullLoggerFactory.Instance);
        var threads = ports.Udp.Threads;

        ports.Udp.Port.Should().BeGreaterThan(0);
        threads.Should().HaveCount(OperatingSystem.IsLinux() ? Environment.ProcessorCount : 1)
            .And.AllSatisfy(t => t.Name.Should().StartWith("Media worker"));
        ports.Dispose();

        threads.Should().AllSatisfy(t => t.IsAlive.Should().BeFalse());
        using var rebound = Udp();
        rebound.Bind(new IPEndPoint(IPAddress.Loopback, ports.Udp.Port));
    }

    [Fact]
    public void A_configured_port_is_used_and_one_held_by_another_socket_is_refused_naming_the_setting()
    {
        using var squatter = Udp();
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var free = FreePort();

        using (var ports = new MediaPorts(new MediaServerOptions { UdpPort = free, Workers = 2 }, NullLoggerFactory.Instance))
        {
            ports.Udp.Port.Should().Be(free);
        }

        var refused = () => new MediaPorts(new MediaServerOptions { UdpPort = taken }, NullLoggerFactory.Instance);
        refused.Should().Throw<InvalidOperationException>().WithMessage($"*MediaServer:UdpPort {taken}*in use*");
    }

    [Fact]
    public void With_a_range_the_port_is_the_first_free_one_of_it()
    {
        using var squatter = Udp();
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, RangeStart));

        using var ports = new MediaPorts(new MediaServerOptions { MinPort = RangeStart, MaxPort = RangeStart + 5 }, NullLoggerFactory.Instance);

        ports.Udp.Port.Should().Be(RangeStart + 1);
    }

    [Fact]
    public void The_workers_are_as_many_as_configured()
    {
        using var ports = new MediaPorts(new MediaServerOptions { Workers = 3 }, NullLoggerFactory.Instance);

        ports.Udp.Threads.Should().HaveCount(OperatingSystem.IsLinux() ? 3 : 1);
        ports.Udp.Threads.Should().AllSatisfy(t => t.IsAlive.Should().BeTrue());
    }

    private static Socket Udp() => new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    private static int FreePort()
    {
        using var probe = Udp();
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
