using System.Collections.Concurrent;
using System.Text;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Stun;

namespace One2One.MediaServer.Rtc.Transport;

/// <summary>
/// Which <see cref="WebRtcTransport"/> a datagram on the shared ports belongs to. A connectivity check names its
/// transport by the local ufrag in its USERNAME (RFC 8445 §7.2.2: "ourUfrag:theirUfrag"); DTLS and media carry
/// nothing of the kind, so they are claimed by the remote address that passed a check (RFC 8445 §7.3 ties a pair to
/// its 5-tuple). The same scheme as mediasoup's WebRtcServer and pion's UDPMux.
/// </summary>
/// <remarks>
/// Threading: lock-free. Workers only read (<see cref="TryFindByUsername"/>, <see cref="TryFindByAddress"/>, allocation
/// free through the dictionaries' span lookups); transports add and remove their own entries from their receive gate or
/// on disposal. An address belongs to the first transport that validated it, until that transport lets it go (its
/// agent replaced the path by a newer one, an ICE restart, its disposal): a later check for another transport from the
/// same address is left unanswered meanwhile, so a spoofed check cannot take a call's address away.
/// </remarks>
internal sealed class TransportDirectory
{
    /// <summary>RFC 8839 §5.4 caps a ufrag at 256 characters.</summary>
    private const int MaxUfragLength = 256;

    private readonly ConcurrentDictionary<string, WebRtcTransport> _byUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WebRtcTransport>.AlternateLookup<ReadOnlySpan<char>> _byUfragSpan;
    private readonly ConcurrentDictionary<AddressKey, WebRtcTransport> _byAddress = new();

    public TransportDirectory()
    {
        _byUfragSpan = _byUfrag.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Transports registered (one per live endpoint).</summary>
    public int Count => _byUfrag.Count;

    /// <summary>Claims a ufrag; false when another transport holds it.</summary>
    public bool TryRegister(string ufrag, WebRtcTransport transport) => _byUfrag.TryAdd(ufrag, transport);

    /// <summary>Forgets a transport's ufrag and every address it claimed.</summary>
    public void Unregister(string ufrag, WebRtcTransport transport, ReadOnlySpan<IcePath?> paths)
    {
        _byUfrag.TryRemove(new KeyValuePair<string, WebRtcTransport>(ufrag, transport));
        foreach (var path in paths)
        {
            if (path is not null)
            {
                Release(path.Key, transport);
            }
        }
    }

    /// <summary>
    /// Lets go of an address <paramref name="transport"/> claimed (its agent no longer keeps the path): datagrams from it
    /// are no longer handed to that transport, and another may claim it. An address another transport holds stays its own.
    /// </summary>
    public void Release(in AddressKey address, WebRtcTransport transport) =>
        _byAddress.TryRemove(new KeyValuePair<AddressKey, WebRtcTransport>(address, transport));

    /// <summary>Claims a remote address for a transport; false when another transport claimed it first.</summary>
    public bool TryClaim(in AddressKey address, WebRtcTransport transport) =>
        _byAddress.TryAdd(address, transport) || ReferenceEquals(_byAddress.GetValueOrDefault(address), transport);

    /// <summary>True when a transport other than <paramref name="transport"/> holds <paramref name="address"/>.</summary>
    public bool IsClaimedByAnother(in AddressKey address, WebRtcTransport transport) =>
        _byAddress.TryGetValue(address, out var owner) && !ReferenceEquals(owner, transport);

    public bool TryFindByAddress(in AddressKey address, out WebRtcTransport transport) => _byAddress.TryGetValue(address, out transport!);

    /// <summary>The transport whose ufrag starts the USERNAME of a STUN message; false for anything else.</summary>
    public bool TryFindByUsername(ReadOnlySpan<byte> datagram, out WebRtcTransport transport)
    {
        transport = null!;
        if (!StunMessage.TryParse(datagram, out var message) || !message.TryGetUsername(out var username))
        {
            return false;
        }

        var colon = username.IndexOf((byte)':');
        var ufrag = colon < 0 ? username : username[..colon];
        if (ufrag.IsEmpty || ufrag.Length > MaxUfragLength || !Ascii.IsValid(ufrag))
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxUfragLength];
        var length = Encoding.ASCII.GetChars(ufrag, chars);
        return _byUfragSpan.TryGetValue(chars[..length], out transport!);
    }
}
