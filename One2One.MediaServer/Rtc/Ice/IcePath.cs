using System.Net;
using System.Net.Sockets;

namespace One2One.MediaServer.Rtc.Ice;

/// <summary>The transport protocol of a candidate pair: UDP, or TCP with RFC 4571 framing (RFC 6544).</summary>
internal enum IceProtocol { Udp, Tcp }

/// <summary>
/// What a connectivity check arrived over: the shared UDP port (one link for every remote address) or one ICE-TCP
/// connection (a link of its own). ICE only compares links; the transport layer sends through them.
/// </summary>
internal interface IIceLink
{
    IceProtocol Protocol { get; }
}

/// <summary>
/// A path to the browser that passed a connectivity check: a link and the remote address on it. Immutable once
/// stored, so senders on any thread may read it.
/// </summary>
internal sealed class IcePath
{
    public IcePath(IIceLink link, SocketAddress address)
    {
        Link = link;
        Address = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(Address.Buffer.Span);
        AddressKey.TryCreate(Address, out var key);
        Key = key;
        var any = address.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        var endPoint = (IPEndPoint)new IPEndPoint(any, 0).Create(Address);
        EndPoint = endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;
    }

    public IIceLink Link { get; }

    public IceProtocol Protocol => Link.Protocol;

    /// <summary>A copy of the remote address, never changed: what datagrams are sent to.</summary>
    public SocketAddress Address { get; }

    public AddressKey Key { get; }

    public IPEndPoint EndPoint { get; }

    public bool Matches(IIceLink link, in AddressKey key) => ReferenceEquals(Link, link) && Key == key;
}
