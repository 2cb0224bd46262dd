using System.Diagnostics;

namespace One2One.Tests.Support.Network;

/// <summary>
/// An nftables rule that drops every UDP datagram or TCP segment to (or from) one port of this network namespace, as a
/// firewall that blocks UDP would for a browser, or a network that went away under a connection: in its own table, named
/// after the port, deleted on dispose. The tests run in a loopback-only namespace of their own (see README), where they are
/// root; a rule for one ephemeral port touches no other test.
/// </summary>
internal sealed class PortBlock : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly string _table;

    private PortBlock(string table)
    {
        _table = table;
    }

    public static PortBlock UdpToPort(int port) => Create($"one2one_block_udp_{port}", $"udp dport {port}");

    /// <summary>Drops what a UDP socket bound to <paramref name="port"/> sends (a browser's connection, say).</summary>
    public static PortBlock UdpFromPort(int port) => Create($"one2one_block_udp_from_{port}", $"udp sport {port}");

    /// <summary>
    /// Drops what a TCP server on <paramref name="port"/> sends (its replies, its acknowledgements, its handshakes): what it
    /// is sent still arrives. The connection hangs rather than closes, as one does when the way back breaks.
    /// </summary>
    public static PortBlock TcpFromPort(int port) => Create($"one2one_block_tcp_from_{port}", $"tcp sport {port}");

    private static PortBlock Create(string table, string match)
    {
        Nft($"add table inet {table}");
        try
        {
            Nft($"add chain inet {table} input {{ type filter hook input priority 0 ; policy accept ; }}");
            Nft($"add rule inet {table} input {match} drop");
        }
        catch
        {
            Nft($"delete table inet {table}");
            throw;
        }

        return new PortBlock(table);
    }

    public void Dispose() => Nft($"delete table inet {_table}");

    private static void Nft(string command)
    {
        var start = new ProcessStartInfo("nft");
        foreach (var argument in command.Split(' '))
        {
            start.ArgumentList.Add(argument);
        }

        ChildProcessResult result;
        try
        {
            // Blocking: a rule goes in before the test goes on, and out in Dispose. ChildProcess does not need the caller's context.
            result = ChildProcess.RunAsync(start, Limit).GetAwaiter().GetResult();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                "This test blocks a port with nftables and needs the nft command (Debian: apt-get install -y nftables), run as root in the test's " +
                "network namespace (see README).", ex);
        }

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"nft {command} failed ({result.ExitCode}): {result.Error.Trim()}. This test needs root in its network namespace (see README).");
        }
    }
}
