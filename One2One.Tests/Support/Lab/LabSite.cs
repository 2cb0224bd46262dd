using System.Net;
using System.Text.Json;

namespace One2One.Tests.Support.Lab;

/// <summary>
/// One place a person calls from: a host on a LAN (192.0.2.100/24) behind its own router, which masquerades the LAN to
/// the router's public address. Optionally the router drops every UDP packet from the LAN (a corporate firewall), and
/// it can lose a share of the packets it forwards, both ways (a bad link), or cut one server off. Counters show what the
/// router did.
/// </summary>
/// <remarks>Created and changed by one test at a time; not thread-safe.</remarks>
public sealed class LabSite
{
    private const string Table = "o2o-lab";
    private const string LossTable = "o2o-loss";
    private const string CutTable = "o2o-cut";

    private readonly string _linkName;
    private readonly IPAddress _gateway;
    private bool _lossy;
    private bool _cut;

    internal LabSite(string name, string routerNamespace, string hostNamespace, string linkName, IPAddress gateway, IPAddress publicAddress, bool blocksUdp)
    {
        Name = name;
        RouterNamespace = routerNamespace;
        HostNamespace = hostNamespace;
        _linkName = linkName;
        _gateway = gateway;
        PublicAddress = publicAddress;
        BlocksUdp = blocksUdp;
    }

    public string Name { get; }

    public string RouterNamespace { get; }

    /// <summary>Where the person's browser runs.</summary>
    public string HostNamespace { get; }

    /// <summary>The host's own (private) address; <see cref="MoveHostAsync"/> changes it.</summary>
    public IPAddress HostAddress { get; private set; } = IPAddress.Parse("192.0.2.100");

    /// <summary>
    /// A network change as a laptop sees one: the host's address is removed from its interface (and with it the routes
    /// through it) and <paramref name="address"/> (on the same LAN) added with a new default route. Sockets bound to the
    /// old address are left half-open, as they are when a laptop moves from one network to another.
    /// </summary>
    public async Task MoveHostAsync(IPAddress address)
    {
        await LabCommand.IpAsync(
            HostNamespace,
            $"addr del {HostAddress}/24 dev lan",
            $"addr add {address}/24 dev lan",
            "route replace default via 192.0.2.1");
        HostAddress = address;
    }

    /// <summary>The router's address on the internet, which the host's traffic is masqueraded to.</summary>
    public IPAddress PublicAddress { get; }

    public bool BlocksUdp { get; }

    public override string ToString() => $"{Name} ({HostAddress} behind {PublicAddress}{(BlocksUdp ? ", UDP blocked" : "")})";

    /// <summary>Loses <paramref name="percent"/>% of the packets the router forwards, each way, at random (nftables numgen); 0 stops it.</summary>
    public async Task SetLossAsync(int percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        // Before the other rules (priority -10), on both directions through the router.
        await ReplaceTableAsync(LossTable, _lossy, percent == 0 ? null : $$"""
            table ip {{LossTable}} {
              counter lost { }
              chain forward { type filter hook forward priority -10; policy accept; {{(percent < 100 ? $"numgen random mod 100 < {percent} " : "")}}counter name "lost" drop; }
            }

            """);
        _lossy = percent > 0;
    }

    /// <summary>
    /// Drops everything the router forwards to or from <paramref name="address"/> (a server the host can no longer reach,
    /// while the rest of the internet still answers); null lets it through again.
    /// </summary>
    public async Task SetCutOffAsync(IPAddress? address)
    {
        await ReplaceTableAsync(CutTable, _cut, address is null ? null : $$"""
            table ip {{CutTable}} {
              chain forward { type filter hook forward priority -20; policy accept; ip daddr {{address}} drop; ip saddr {{address}} drop; }
            }

            """);
        _cut = address is not null;
    }

    /// <summary>Replaces one of the router's nftables tables in one transaction: the old one (if <paramref name="present"/>) goes, <paramref name="definition"/> (if any) comes.</summary>
    private async Task ReplaceTableAsync(string table, bool present, string? definition)
    {
        var ruleset = (present ? $"delete table ip {table}\n" : "") + definition;
        if (ruleset.Length > 0)
        {
            await LabCommand.NftAsync(RouterNamespace, ruleset);
        }
    }

    /// <summary>Connections the router masqueraded (NAT rules see a connection's first packet).</summary>
    public Task<long> MasqueradedConnectionsAsync() => CounterAsync(Table, "masqueraded");

    /// <summary>UDP packets from the LAN the firewall dropped (always 0 at a home).</summary>
    public Task<long> DroppedUdpPacketsAsync() => CounterAsync(Table, "udp-dropped");

    /// <summary>Packets lost on purpose by <see cref="SetLossAsync"/>.</summary>
    public Task<long> LostPacketsAsync() => _lossy ? CounterAsync(LossTable, "lost") : Task.FromResult(0L);

    internal async Task CreateAsync()
    {
        // Namespaces first, IPv6 off before any interface arrives (the lab is IPv4), then the links.
        await LabCommand.RunAsync("ip", ["netns", "add", RouterNamespace]);
        await LabCommand.RunAsync("ip", ["netns", "add", HostNamespace]);
        await Sysctl(RouterNamespace, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1", "net.ipv4.ip_forward=1");
        await Sysctl(HostNamespace, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");

        await LabCommand.IpAsync(
            null,
            $"link add {_linkName} type veth peer name wan netns {RouterNamespace}",
            $"addr add {_gateway}/30 dev {_linkName}",
            $"link set {_linkName} up",
            $"link add lan netns {HostNamespace} type veth peer name lan netns {RouterNamespace}");
        await LabCommand.IpAsync(
            RouterNamespace,
            "link set lo up",
            $"addr add {PublicAddress}/30 dev wan",
            "link set wan up",
            "addr add 192.0.2.1/24 dev lan",
            "link set lan up",
            $"route add default via {_gateway}");
        await LabCommand.IpAsync(
            HostNamespace,
            "link set lo up",
            $"addr add {HostAddress}/24 dev lan",
            "link set lan up",
            "route add default via 192.0.2.1");

        var firewall = BlocksUdp ? """iifname "lan" meta l4proto udp counter name "udp-dropped" drop;""" : "";
        await LabCommand.NftAsync(RouterNamespace, $$"""
            table ip {{Table}} {
              counter masqueraded { }
              counter udp-dropped { }
              chain postrouting { type nat hook postrouting priority srcnat; policy accept; oifname "wan" counter name "masqueraded" masquerade; }
              chain forward { type filter hook forward priority filter; policy accept; {{firewall}} }
            }

            """);
    }

    /// <summary>Deletes both namespaces (and so the veth pairs, rules and conntrack state in them).</summary>
    internal async Task DeleteAsync()
    {
        foreach (var name in new[] { HostNamespace, RouterNamespace })
        {
            try
            {
                await LabCommand.RunAsync("ip", ["netns", "delete", name]);
            }
            catch (NetworkLabException) when (!File.Exists($"/run/netns/{name}"))
            {
                // Never created.
            }
        }
    }

    private async Task<long> CounterAsync(string table, string counter)
    {
        var json = await LabCommand.InAsync(RouterNamespace, ["nft", "-j", "list", "counter", "ip", table, counter]);
        using var document = JsonDocument.Parse(json);
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("counter", out var value))
            {
                return value.GetProperty("packets").GetInt64();
            }
        }

        throw new NetworkLabException($"nft listed no counter {counter} in {RouterNamespace}: {json}");
    }

    private static Task Sysctl(string networkNamespace, params string[] settings) =>
        LabCommand.InAsync(networkNamespace, ["sysctl", "-q", "-w", .. settings]);
}
