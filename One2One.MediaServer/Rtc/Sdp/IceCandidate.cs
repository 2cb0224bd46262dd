using System.Globalization;
using System.Net;
using System.Text;

namespace One2One.MediaServer.Rtc.Sdp;

/// <summary>
/// One ICE candidate (RFC 8839 §5.1): "candidate:&lt;foundation&gt; &lt;component&gt; &lt;transport&gt; &lt;priority&gt;
/// &lt;address&gt; &lt;port&gt; typ &lt;type&gt; [raddr &lt;a&gt;] [rport &lt;p&gt;] *(&lt;name&gt; &lt;value&gt;)".
/// TCP candidates parse too (RFC 6544 §4.5: "tcptype active|passive|so" is an extension attribute). Immutable.
/// </summary>
internal sealed class IceCandidate
{
    private const string Prefix = "candidate:";
    private const int MaxLength = 1024;

    private IceCandidate(
        string foundation, int component, string transport, uint priority, string address, int port, string type,
        string? relatedAddress, int? relatedPort, IReadOnlyList<KeyValuePair<string, string>> extensions)
    {
        Foundation = foundation;
        Component = component;
        Transport = transport;
        Priority = priority;
        Address = address;
        Port = port;
        Type = type;
        RelatedAddress = relatedAddress;
        RelatedPort = relatedPort;
        Extensions = extensions;
    }

    public string Foundation { get; }

    /// <summary>1 for RTP; with rtcp-mux every candidate we use has component 1.</summary>
    public int Component { get; }

    /// <summary>The transport as written ("udp", "UDP", "tcp").</summary>
    public string Transport { get; }

    public uint Priority { get; }

    /// <summary>An IPv4 or IPv6 literal, or a host name (an mDNS ".local" name when the browser hides its addresses).</summary>
    public string Address { get; }

    public int Port { get; }

    /// <summary>The candidate type in lower case: host, srflx, prflx, relay (or an extension token).</summary>
    public string Type { get; }

    public string? RelatedAddress { get; }

    public int? RelatedPort { get; }

    /// <summary>Extension attributes after the type and related address, in order (generation, ufrag, network-id, tcptype...).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; }

    public bool IsUdp => Transport.Equals("udp", StringComparison.OrdinalIgnoreCase);

    public bool IsTcp => Transport.Equals("tcp", StringComparison.OrdinalIgnoreCase);

    /// <summary>The address as an IP literal, or null for a host name (mDNS candidates need resolving, which we do not do).</summary>
    public IPAddress? IPAddress => System.Net.IPAddress.TryParse(Address, out var ip) ? ip : null;

    public string? Ufrag => Extension("ufrag");

    public int? Generation => int.TryParse(Extension("generation"), NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : null;

    public string? Extension(string name)
    {
        foreach (var pair in Extensions)
        {
            if (pair.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>A host candidate of ours, e.g. "candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host".</summary>
    public static IceCandidate Host(string foundation, uint priority, IPEndPoint endPoint, int component = 1)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (!IsFoundation(foundation))
        {
            throw new ArgumentException("A foundation is 1 to 32 ice-chars.", nameof(foundation));
        }

        return new IceCandidate(foundation, component, "UDP", priority, endPoint.Address.ToString(), endPoint.Port, "host", null, null, []);
    }

    /// <summary>
    /// A passive ICE-TCP host candidate of ours (RFC 6544 §4.5), e.g.
    /// "candidate:2 1 TCP 2105524479 127.0.0.1 40000 typ host tcptype passive".
    /// </summary>
    public static IceCandidate HostTcpPassive(string foundation, uint priority, IPEndPoint endPoint, int component = 1)
    {
        var udp = Host(foundation, priority, endPoint, component);
        return new IceCandidate(udp.Foundation, component, "TCP", priority, udp.Address, udp.Port, "host", null, null, [new("tcptype", "passive")]);
    }

    /// <summary>
    /// Parses a candidate as addIceCandidate carries it ("candidate:..."). The "candidate:" prefix may be missing
    /// and an "a=" before it is tolerated; an empty string (the browser's end-of-candidates) is refused.
    /// </summary>
    public static bool TryParse(string? text, out IceCandidate? candidate, out string? error)
    {
        candidate = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the candidate is empty (an empty candidate means end-of-candidates)";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"the candidate is longer than {MaxLength} characters";
            return false;
        }

        var body = text.Trim();
        if (body.StartsWith("a=", StringComparison.OrdinalIgnoreCase))
        {
            body = body[2..];
        }

        if (body.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            body = body[Prefix.Length..];
        }

        var fields = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 8)
        {
            error = "a candidate needs at least: foundation component transport priority address port typ type";
            return false;
        }

        if (!IsFoundation(fields[0]))
        {
            error = $"the foundation '{SdpText.Shorten(fields[0])}' is not 1 to 32 ice-chars";
            return false;
        }

        if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var component) || component is < 1 or > 256)
        {
            error = $"the component id '{SdpText.Shorten(fields[1])}' is not a number from 1 to 256";
            return false;
        }

        if (!IsToken(fields[2]))
        {
            error = $"the transport '{SdpText.Shorten(fields[2])}' is not a token";
            return false;
        }

        if (!uint.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var priority) || priority == 0)
        {
            error = $"the priority '{SdpText.Shorten(fields[3])}' is not a number from 1 to 4294967295";
            return false;
        }

        if (!IsAddress(fields[4]))
        {
            error = $"the connection address '{SdpText.Shorten(fields[4])}' is not an IP address or host name";
            return false;
        }

        if (!TryParsePort(fields[5], out var port))
        {
            error = $"the port '{SdpText.Shorten(fields[5])}' is not a number from 0 to 65535";
            return false;
        }

        if (!fields[6].Equals("typ", StringComparison.OrdinalIgnoreCase))
        {
            error = $"expected 'typ' after the port, found '{SdpText.Shorten(fields[6])}'";
            return false;
        }

        if (!IsToken(fields[7]))
        {
            error = $"the candidate type '{SdpText.Shorten(fields[7])}' is not a token";
            return false;
        }

        if ((fields.Length - 8) % 2 != 0)
        {
            error = $"the attribute '{SdpText.Shorten(fields[^1])}' after the candidate type has no value";
            return false;
        }

        string? relatedAddress = null;
        int? relatedPort = null;
        var extensions = new List<KeyValuePair<string, string>>();
        for (var i = 8; i < fields.Length; i += 2)
        {
            var name = fields[i];
            var value = fields[i + 1];
            if (name.Equals("raddr", StringComparison.OrdinalIgnoreCase))
            {
                if (!IsAddress(value))
                {
                    error = $"raddr '{SdpText.Shorten(value)}' is not an IP address or host name";
                    return false;
                }

                relatedAddress = value;
            }
            else if (name.Equals("rport", StringComparison.OrdinalIgnoreCase))
            {
                if (!TryParsePort(value, out var rport))
                {
                    error = $"rport '{SdpText.Shorten(value)}' is not a number from 0 to 65535";
                    return false;
                }

                relatedPort = rport;
            }
            else if (IsToken(name) && IsToken(value))
            {
                extensions.Add(new(name, value));
            }
            else
            {
                error = $"the extension attribute '{SdpText.Shorten(name)} {SdpText.Shorten(value)}' is malformed";
                return false;
            }
        }

        candidate = new IceCandidate(fields[0], component, fields[2], priority, fields[4], port, fields[7].ToLowerInvariant(),
            relatedAddress, relatedPort, extensions);
        error = null;
        return true;
    }

    /// <summary>The candidate-attribute value, starting with "candidate:", as addIceCandidate and IceCandidateFound carry it.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(96);
        text.Append(Prefix).Append(Foundation).Append(' ')
            .Append(Component.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(Transport).Append(' ')
            .Append(Priority.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(Address).Append(' ')
            .Append(Port.ToString(CultureInfo.InvariantCulture)).Append(" typ ").Append(Type);
        if (RelatedAddress is not null)
        {
            text.Append(" raddr ").Append(RelatedAddress);
        }

        if (RelatedPort is { } rport)
        {
            text.Append(" rport ").Append(rport.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var pair in Extensions)
        {
            text.Append(' ').Append(pair.Key).Append(' ').Append(pair.Value);
        }

        return text.ToString();
    }

    // RFC 8839 §5.1: ice-char = ALPHA / DIGIT / "+" / "/".
    internal static bool IsIceChars(string value, int minLength, int maxLength)
    {
        if (value.Length < minLength || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsFoundation(string value) => IsIceChars(value, 1, 32);

    // RFC 8866 §9 token: printable ASCII except separators; generous enough for extension names and values.
    private static bool IsToken(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c <= ' ' || c >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAddress(string value)
    {
        if (value.Length == 0 || value.Length > 255)
        {
            return false;
        }

        if (System.Net.IPAddress.TryParse(value, out _))
        {
            return true;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParsePort(string value, out int port) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

}
