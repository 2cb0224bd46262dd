namespace One2One.MediaServer.Rtc.Rtp;

/// <summary>An RTCP compound packet: RTCP packets back to back in one datagram (RFC 3550 §6.1).</summary>
internal static class RtcpCompound
{
    /// <summary>True when the datagram is one or more packets that <see cref="RtcpPacket.TryRead"/> accepts, ending exactly at its end.</summary>
    public static bool IsValid(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return false;
        }

        var packets = Enumerate(datagram);
        while (packets.MoveNext())
        {
        }

        return !packets.IsMalformed;
    }

    /// <summary>The packets in order; stops at the first malformed one (then <see cref="RtcpPacketEnumerator.IsMalformed"/>).</summary>
    public static RtcpPacketEnumerator Enumerate(ReadOnlySpan<byte> datagram) => new(datagram);
}

internal ref struct RtcpPacketEnumerator
{
    private ReadOnlySpan<byte> _remaining;

    internal RtcpPacketEnumerator(ReadOnlySpan<byte> datagram) => _remaining = datagram;

    public RtcpPacket Current { get; private set; }

    /// <summary>Enumeration stopped on bytes that are not an RTCP packet.</summary>
    public bool IsMalformed { get; private set; }

    public readonly RtcpPacketEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_remaining.IsEmpty || IsMalformed)
        {
            return false;
        }

        if (!RtcpPacket.TryRead(_remaining, out var packet))
        {
            IsMalformed = true;
            return false;
        }

        Current = packet;
        _remaining = _remaining[packet.Length..];
        return true;
    }
}
