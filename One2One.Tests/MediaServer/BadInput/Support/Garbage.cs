namespace One2One.Tests.MediaServer.BadInput.Support;

/// <summary>Which counter of a transport a refused datagram lands in.</summary>
internal enum DropReason { Unknown, Unauthenticated, NotValidated, UnprotectFailed, ToDtls }

/// <summary>
/// Bad datagrams for the media ports, from a seeded generator so a failure can be replayed: random bytes (also with a
/// first byte steered into each protocol's range to reach the deeper parsers), truncated and bit-flipped copies of real
/// packets, and oversized ones.
/// </summary>
internal sealed class Garbage(int seed)
{
    private readonly Random _random = new(seed);

    public byte[] RandomBytes(int maxLength = 1500)
    {
        var datagram = new byte[_random.Next(0, maxLength + 1)];
        _random.NextBytes(datagram);
        return datagram;
    }

    /// <summary>Random bytes whose first byte says STUN (0..3), DTLS (20..63) or RTP/RTCP (128..191) (RFC 7983).</summary>
    public byte[] RandomOfEachKind(int index)
    {
        var datagram = RandomBytes();
        if (datagram.Length > 0)
        {
            datagram[0] = (index % 3) switch
            {
                0 => (byte)_random.Next(0, 4),
                1 => (byte)_random.Next(20, 64),
                _ => (byte)_random.Next(128, 192),
            };
        }

        if (datagram.Length > 1 && index % 6 == 5)
        {
            datagram[1] = (byte)_random.Next(192, 224); // an RTCP packet type
        }

        return datagram;
    }

    public byte[] Truncated(byte[] real) => real[.._random.Next(0, real.Length)];

    public byte[] BitFlipped(byte[] real)
    {
        var copy = (byte[])real.Clone();
        var bit = _random.Next(0, copy.Length * 8);
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    /// <summary>Larger than the transport's receive buffer; the kernel cuts it to the buffer.</summary>
    public byte[] Oversized()
    {
        var datagram = new byte[_random.Next(3000, 9000)];
        _random.NextBytes(datagram);
        datagram[0] = (byte)_random.Next(128, 192);
        return datagram;
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>
    /// Where a datagram from an address that never passed ICE is counted: by the transport whose ufrag its STUN
    /// USERNAME names (a refused check), else by the shared port that no transport claimed it on.
    /// </summary>
    public static (string? Ufrag, DropReason Reason) FromStranger(byte[] datagram, IReadOnlyCollection<string> ufrags)
    {
        if (datagram.Length > One2One.MediaServer.Rtc.Transport.WebRtcTransport.BufferSize)
        {
            return (null, DropReason.Unknown); // cut by the kernel: refused whole
        }

        return FirstByte(datagram) switch
        {
            null => (null, DropReason.Unknown),
            <= 3 => (UfragNamed(datagram, ufrags), DropReason.Unauthenticated),
            >= 20 and <= 63 => (null, DropReason.NotValidated),
            >= 128 and <= 191 => (null, DropReason.NotValidated),
            _ => (null, DropReason.Unknown),
        };
    }

    /// <summary>Where an invalid datagram from the browser's own (validated, keyed) address goes.</summary>
    public static DropReason FromBrowser(byte[] datagram) => FirstByte(datagram) switch
    {
        null => DropReason.Unknown,
        <= 3 => DropReason.Unauthenticated,
        >= 20 and <= 63 => DropReason.ToDtls,
        >= 128 and <= 191 => DropReason.UnprotectFailed,
        _ => DropReason.Unknown,
    };

    private static byte? FirstByte(byte[] datagram) => datagram.Length == 0 ? null : datagram[0];

    private static string? UfragNamed(byte[] datagram, IReadOnlyCollection<string> ufrags)
    {
        if (!One2One.MediaServer.Rtc.Stun.StunMessage.TryParse(datagram, out var message) || !message.TryGetUsername(out var username))
        {
            return null;
        }

        var colon = username.IndexOf((byte)':');
        var ufrag = System.Text.Encoding.ASCII.GetString(colon < 0 ? username : username[..colon]);
        return ufrags.Contains(ufrag) ? ufrag : null;
    }
}

/// <summary>How many refused datagrams a test expects in each of a transport's counters.</summary>
internal sealed class ExpectedDrops
{
    private readonly int[] _counts = new int[5];

    public void Add(DropReason reason) => _counts[(int)reason]++;

    public int this[DropReason reason] => _counts[(int)reason];

    public bool Matches(One2One.MediaServer.Rtc.Transport.TransportCounters counters) =>
        counters.Unknown == this[DropReason.Unknown]
        && counters.Unauthenticated == this[DropReason.Unauthenticated]
        && counters.NotValidated == this[DropReason.NotValidated]
        && counters.UnprotectFailed == this[DropReason.UnprotectFailed]
        && counters.NotSecured == 0;

    public string Describe(One2One.MediaServer.Rtc.Transport.TransportCounters counters) =>
        $"expected unknown {this[DropReason.Unknown]} unauthenticated {this[DropReason.Unauthenticated]} not-validated {this[DropReason.NotValidated]} unprotect {this[DropReason.UnprotectFailed]}; " +
        $"counted {counters.Unknown} {counters.Unauthenticated} {counters.NotValidated} {counters.UnprotectFailed} (not secured {counters.NotSecured})";
}
