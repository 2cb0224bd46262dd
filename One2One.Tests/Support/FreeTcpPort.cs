using System.Net;
using System.Net.Sockets;

namespace One2One.Tests.Support;

/// <summary>A loopback TCP port nobody listens on right now: for a server a test starts, or an address that refuses.</summary>
internal static class FreeTcpPort
{
    public static int OnLoopback()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
