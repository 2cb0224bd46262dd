using System.Net;
using System.Net.Sockets;

namespace One2One.Tests.Support;

/// <summary>
/// Ports for the Orleans silos of the servers the tests start (<c>Cluster:SiloPort</c>). A silo cannot listen on port 0
/// and say which it got, and a server left to choose one (bind, release, bind again) can lose it in between to any
/// connection's local port or another bind of port 0 when many servers start at once. These come in turn from below the
/// kernel's ephemeral range (32768 and up on Linux by default), where neither ever lands, each checked free first.
/// </summary>
internal static class SiloPorts
{
    private const int First = 20_000;
    private const int Last = 32_000;
    private static int _next = First - 1;

    public static int Next()
    {
        while (true)
        {
            var port = Interlocked.Increment(ref _next);
            if (port > Last)
            {
                Interlocked.CompareExchange(ref _next, First - 1, port);
                continue;
            }

            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Someone listens there (a server another test left running): the next one.
            }
        }
    }
}
