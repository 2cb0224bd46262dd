using System.Diagnostics;

namespace One2One.Tests.Support.Network;

/// <summary>
/// An nftables rule that drops every UDP datagram to (or from) one port of this network namespace, as a firewall that
/// blocks UDP would for a browser, or a network that went away under one: in its own table, named after the port,
/// deleted on dispose. The tests run in a loopback-only
/// namespace of their own (see README), where they are root; a rule for one ephemeral port touches no other test.
/// </summary>
internal sealed class UdpBlock : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly string _table;

    private UdpBlock(string table)
    {
        _table = table;
    }

    public static UdpBlock ToPort(int port) => Create($"one2one_block_udp_{port}", $"udp dport {port}");

    /// <summary>Drops what a socket bound to <paramref name="port"/> sends (a browser's connection, say).</summary>
    public static UdpBlock FromPort(int port) => Create($"one2one_block_udp_from_{port}", $"udp sport {port}");

    private static UdpBlock Create(string table, string match)
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

        return new UdpBlock(table);
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
                "This test blocks UDP with nftables and needs the nft command (Debian: apt-get install -y nftables), run as root in the test's " +
                "network namespace (see README).", ex);
        }

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"nft {command} failed ({result.ExitCode}): {result.Error.Trim()}. This test needs root in its network namespace (see README).");
        }
    }
}
