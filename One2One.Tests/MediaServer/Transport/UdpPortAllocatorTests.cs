using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Protocol;
using One2One.MediaServer.Rtc.Transport;

namespace One2One.Tests.MediaServer.Transport;

/// <summary>Media sockets on 127.0.0.1: ephemeral ports, or a configured range taken round-robin until exhausted.</summary>
public sealed class UdpPortAllocatorTests
{
    // Below Linux's ephemeral range (32768+), so no other socket of the test process lands on these by chance.
    private const int RangeStart = 30_150;

    [Fact]
    public void Without_a_range_each_socket_gets_an_ephemeral_port_and_is_counted_until_closed()
    {
        var ports = new UdpPortAllocator(IPAddress.Loopback, 0, 0);

        var first = ports.Open();
        var second = ports.Open();

        ports.OpenSocketCount.Should().Be(2);
        Port(first).Should().NotBe(0).And.NotBe(Port(second));
        ((IPEndPoint)first.LocalEndPoint!).Address.Should().Be(IPAddress.Loopback);
        ports.Close(first);
        ports.Close(second);
        ports.OpenSocketCount.Should().Be(0);
        first.SafeHandle.IsClosed.Should().BeTrue();
    }

    [Fact]
    public void A_range_is_taken_round_robin_and_its_exhaustion_is_40009()
    {
        var ports = new UdpPortAllocator(IPAddress.Loopback, RangeStart, RangeStart + 2);

        var sockets = new[] { ports.Open(), ports.Open(), ports.Open() };
        var exhausted = () => ports.Open();

        sockets.Select(Port).Should().Equal(RangeStart, RangeStart + 1, RangeStart + 2);
        exhausted.Should().Throw<KurentoErrorException>().Which.Code.Should().Be(KurentoErrorCode.NotEnoughResources);
        ports.OpenSocketCount.Should().Be(3, "a failed open leaves nothing open");

        ports.Close(sockets[1]);
        var reused = ports.Open();
        Port(reused).Should().Be(RangeStart + 1, "the only free port of the range");

        ports.Close(sockets[0]);
        ports.Close(sockets[2]);
        var next = ports.Open();
        Port(next).Should().Be(RangeStart + 2, "round-robin goes on after the last port handed out rather than back to the lowest");
        ports.Close(reused);
        ports.Close(next);
        ports.OpenSocketCount.Should().Be(0);
    }

    [Fact]
    public void A_port_of_the_range_held_by_another_socket_is_skipped()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, RangeStart + 10));
        var ports = new UdpPortAllocator(IPAddress.Loopback, RangeStart + 10, RangeStart + 11);

        var socket = ports.Open();

        Port(socket).Should().Be(RangeStart + 11);
        ports.Close(socket);
    }

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;
}
