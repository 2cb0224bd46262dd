using System.Net;
using System.Net.Sockets;
using One2One.MediaServer.Protocol;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// Opens the UDP socket of each WebRtcEndpoint: on an ephemeral port, or within MinPort..MaxPort (for
/// firewalls) taking ports round-robin. Counts open sockets for diagnostics and leak tests. Thread-safe.
/// </summary>
internal sealed class UdpPortAllocator(IPAddress bindAddress, int minPort, int maxPort)
{
    private readonly Lock _gate = new();
    private int _next;
    private int _open;

    public IPAddress BindAddress { get; } = bindAddress;

    public int OpenSocketCount => Volatile.Read(ref _open);

    /// <summary>A bound socket; throws 40009 NOT_ENOUGH_RESOURCES when the range is exhausted.</summary>
    public Socket Open()
    {
        var socket = minPort == 0 ? TryBind(0) : BindInRange();
        if (socket is null)
        {
            throw new KurentoErrorException(KurentoErrorCode.NotEnoughResources, $"No free UDP port between {minPort} and {maxPort}.");
        }

        Interlocked.Increment(ref _open);
        return socket;
    }

    public void Close(Socket socket)
    {
        socket.Dispose();
        Interlocked.Decrement(ref _open);
    }

    private Socket? BindInRange()
    {
        var count = maxPort - minPort + 1;
        for (var attempt = 0; attempt < count; attempt++)
        {
            int port;
            lock (_gate)
            {
                port = minPort + _next;
                _next = (_next + 1) % count;
            }

            if (TryBind(port) is { } socket)
            {
                return socket;
            }
        }

        return null;
    }

    private Socket? TryBind(int port)
    {
        var socket = new Socket(BindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(BindAddress, port));
            return socket;
        }
        catch (SocketException) when (port != 0)
        {
            socket.Dispose();
            return null;
        }
    }
}
