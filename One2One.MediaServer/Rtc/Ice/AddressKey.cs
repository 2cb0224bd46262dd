using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace One2One.MediaServer.Rtc.Ice;

/// <summary>
/// A remote transport address (IP and port) as a value, for lock-free tables keyed by where a datagram came from.
/// Built from a <see cref="SocketAddress"/>'s bytes without allocating. An IPv4 address is kept in its IPv4-mapped
/// IPv6 form (RFC 4291 §2.5.5.2), so an IPv4 socket and a dual-stack one name the same browser alike; an IPv6
/// scope id is part of the key (the same link-local address on two interfaces is two peers).
/// </summary>
internal readonly struct AddressKey : IEquatable<AddressKey>
{
    private const ulong MappedPrefix = 0x0000_FFFF_0000_0000;

    private readonly ulong _high;
    private readonly ulong _low;
    private readonly uint _scope;
    private readonly ushort _port;

    private AddressKey(ulong high, ulong low, uint scope, ushort port)
    {
        _high = high;
        _low = low;
        _scope = scope;
        _port = port;
    }

    public int Port => _port;

    /// <summary>False for an address that is not IPv4 or IPv6 (nothing a browser sends from).</summary>
    public static bool TryCreate(SocketAddress address, out AddressKey key)
    {
        // The buffer is the native sockaddr: the port in network order at 2, then IPv4 at 4, or IPv6 at 8 and its scope at 24.
        var sockaddr = address.Buffer.Span[..address.Size];
        switch (address.Family)
        {
            case AddressFamily.InterNetwork when sockaddr.Length >= 8:
                key = new AddressKey(0, MappedPrefix | BinaryPrimitives.ReadUInt32BigEndian(sockaddr[4..]), 0,
                    BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]));
                return true;
            case AddressFamily.InterNetworkV6 when sockaddr.Length >= 28:
                key = new AddressKey(
                    BinaryPrimitives.ReadUInt64BigEndian(sockaddr[8..]),
                    BinaryPrimitives.ReadUInt64BigEndian(sockaddr[16..]),
                    System.Runtime.InteropServices.MemoryMarshal.Read<uint>(sockaddr[24..]),
                    BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]));
                return true;
            default:
                key = default;
                return false;
        }
    }

    public static AddressKey From(IPEndPoint endPoint) =>
        TryCreate(endPoint.Serialize(), out var key) ? key : throw new ArgumentException("Not an IP end point.", nameof(endPoint));

    public bool Equals(AddressKey other) =>
        _low == other._low && _high == other._high && _port == other._port && _scope == other._scope;

    public override bool Equals(object? obj) => obj is AddressKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low, _port, _scope);

    public static bool operator ==(AddressKey left, AddressKey right) => left.Equals(right);

    public static bool operator !=(AddressKey left, AddressKey right) => !left.Equals(right);

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _low);
        var address = new IPAddress(bytes, _scope);
        return new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, _port).ToString();
    }
}
