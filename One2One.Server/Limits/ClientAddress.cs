using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Features;

namespace One2One.Server.Limits;

/// <summary>
/// Where a client connects from, as the per-address limits count it: an IPv4 address, or the /64 prefix of an IPv6
/// one (one host commonly holds a whole /64, so counting single IPv6 addresses would let it multiply its budget).
/// Behind a trusted reverse proxy this is the forwarded address (see TrustedProxies). An IPv6 address also belongs to
/// its /48 <see cref="Network"/>: a home or a tunnel broker hands one customer a /56 or a /48, 256 to 65,536 /64s, so the
/// quotas also count each /48 as a whole (at <see cref="NetworkShare"/> times an address's), and rings go by it.
/// </summary>
public sealed record ClientAddress
{
    /// <summary>For a connection whose address is not known (all such connections share one budget).</summary>
    public static readonly ClientAddress Unknown = new("unknown");

    /// <summary>How many addresses' worth of names, calls and connections one IPv6 /48 may hold together.</summary>
    public const int NetworkShare = 8;

    /// <summary>What one IPv6 /48 may use of a limit whose per-address figure is <paramref name="perAddress"/>.</summary>
    public static int NetworkFigure(int perAddress) => (int)Math.Min(int.MaxValue, (long)perAddress * NetworkShare);

    private ClientAddress(string key, string? networkKey = null)
    {
        Key = key;
        NetworkKey = networkKey;
    }

    /// <summary>The partition key the limits use, e.g. "192.0.2.7" or "2001:db8:1:2::/64".</summary>
    public string Key { get; }

    /// <summary>The /48 an IPv6 /64 lies in ("2001:db8:1::/48"); null for an IPv4 address (one address is one network).</summary>
    public string? NetworkKey { get; }

    /// <summary>The /48 an IPv6 address lies in, as an address of its own; the address itself for IPv4.</summary>
    public ClientAddress Network => NetworkKey is null ? this : new ClientAddress(NetworkKey);

    /// <summary>Whether <see cref="Network"/> is wider than the address, so it is counted as well.</summary>
    public bool HasWiderNetwork => NetworkKey is not null;

    /// <summary>
    /// From an HTTP request's features: the connection feature rather than HttpContext.Connection, which would make (and,
    /// for a hub connection, keep for the WebSocket's lifetime) a ConnectionInfo object; a trusted proxy's forwarded
    /// address is in the feature too.
    /// </summary>
    public static ClientAddress From(IFeatureCollection? features) => From(features?.Get<IHttpConnectionFeature>()?.RemoteIpAddress);

    public static ClientAddress From(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return new ClientAddress(address.ToString());
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        var prefix64 = new IPAddress(bytes).ToString() + "/64";
        bytes[6..].Clear();
        return new ClientAddress(prefix64, new IPAddress(bytes).ToString() + "/48");
    }

    public override string ToString() => Key;
}
