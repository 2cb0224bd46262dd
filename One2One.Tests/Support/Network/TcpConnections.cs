using One2One.Tests.Support.Lab;

namespace One2One.Tests.Support.Network;

/// <summary>
/// Breaks established TCP connections as a network that went away does: <c>ss -K</c> destroys the sockets (the kernel
/// resets the peer), with no close handshake and no help from either program. The tests run as root in a loopback-only
/// namespace of their own (see README), so only this test's server port is touched.
/// </summary>
internal static class TcpConnections
{
    /// <summary>Destroys every established connection to <paramref name="port"/> on 127.0.0.1, both ends.</summary>
    public static async Task DropAllToAsync(int port)
    {
        // One command for both ends: a page that reconnects at once must not lose its new connection to a second sweep.
        await LabCommand.RunAsync("ss", ["-K", "-t", "state", "established", "(", "dport", "=", $":{port}", "or", "sport", "=", $":{port}", ")"]);
    }
}
