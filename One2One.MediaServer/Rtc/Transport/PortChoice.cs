using System.Net;
using System.Net.Sockets;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// How a media port is chosen: a configured port, the first free port of a range (for firewalls), or an ephemeral
/// one. <paramref name="setting"/> names the configuration for error messages.
/// </summary>
internal sealed record PortChoice(int Port, int MinPort, int MaxPort, string Setting)
{
    /// <summary>An ephemeral or ranged choice may pick another port when the one it found is taken meanwhile.</summary>
    public bool MayRetry => Port == 0;

    /// <summary>
    /// Binds a plain socket (no SO_REUSEPORT) to the chosen port and returns the port. With <paramref name="holdOpen"/>
    /// that socket is handed back in <paramref name="held"/>; otherwise it is closed, so the caller can bind its own.
    /// Throws <see cref="InvalidOperationException"/> naming the setting when no port can be had.
    /// </summary>
    public int Reserve(IPAddress bindAddress, SocketType type, ProtocolType protocol, bool holdOpen, out Socket? held)
    {
        held = null;
        Socket? socket = null;
        if (Port != 0)
        {
            socket = TryBind(bindAddress, type, protocol, Port)
                ?? throw new InvalidOperationException($"{Setting} {Port} on {bindAddress} is in use by another socket.");
        }
        else if (MinPort != 0)
        {
            for (var port = MinPort; port <= MaxPort && socket is null; port++)
            {
                socket = TryBind(bindAddress, type, protocol, port);
            }

            if (socket is null)
            {
                throw new InvalidOperationException($"No free {protocol} port for {Setting} between {MinPort} and {MaxPort} on {bindAddress}.");
            }
        }
        else
        {
            socket = TryBind(bindAddress, type, protocol, 0)
                ?? throw new InvalidOperationException($"No ephemeral {protocol} port for {Setting} on {bindAddress}.");
        }

        var chosen = ((IPEndPoint)socket.LocalEndPoint!).Port;
        if (holdOpen)
        {
            held = socket;
        }
        else
        {
            socket.Dispose();
        }

        return chosen;
    }

    private static Socket? TryBind(IPAddress bindAddress, SocketType type, ProtocolType protocol, int port)
    {
        var socket = new Socket(bindAddress.AddressFamily, type, protocol);
        try
        {
            socket.Bind(new IPEndPoint(bindAddress, port));
            return socket;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            socket.Dispose();
            return null;
        }
    }
}
