using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http.Features;

namespace One2One.Server.Limits;

/// <summary>
/// Where a client connects from, as the per-address limits count it: an IPv4 address, or the /64 prefix of an IPv6
/// one (one host commonly holds a whole /64, so counting single IPv6 addresses would let it multiply its budget).
/// Behind a trusted reverse proxy this is the forwarded address (see TrustedProxies).
/// </summary>
public sealed record ClientAddress
{
    /// <summary>For a connection whose address is not known (all such connections share one budget).</summary>
    public static readonly ClientAddress Unknown = new("unknown");

    private ClientAddress(string key) => Key = key;

    /// <summary>The partition key the limits use, e.g. "192.0.2.7" or "2001:db8:1:2::/64".</summary>
    public string Key { get; }

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
        return new ClientAddress(new IPAddress(bytes).ToString() + "/64");
    }

    public override string ToString() => Key;
}
