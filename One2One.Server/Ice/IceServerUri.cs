using System.Globalization;
using System.Net;

namespace One2One.Server.Ice;

/// <summary>
/// A STUN or TURN server URI as browsers take it in <c>RTCIceServer.urls</c>: <c>stun:</c>/<c>stuns:</c> host and port
/// (RFC 7064 §3.1), <c>turn:</c>/<c>turns:</c> host, port and an optional <c>?transport=udp|tcp</c> (RFC 7065 §3.1).
/// </summary>
internal sealed record IceServerUri(string Scheme, string Host, int? Port, string? Transport)
{
    public bool IsTurn => Scheme is "turn" or "turns";

    public static bool TryParse(string? text, out IceServerUri uri, out string error)
    {
        uri = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "it is empty";
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? text[..colon].ToLowerInvariant() : "";
        if (scheme is not ("stun" or "stuns" or "turn" or "turns"))
        {
            error = "it must start with stun:, stuns:, turn: or turns:";
            return false;
        }

        var rest = text[(colon + 1)..];
        string? transport = null;
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            var parameter = rest[(query + 1)..];
            rest = rest[..query];
            if (scheme is "stun" or "stuns")
            {
                error = "a stun: URI takes no query (RFC 7064)";
                return false;
            }

            if (!parameter.StartsWith("transport=", StringComparison.Ordinal) || parameter[10..] is not ("udp" or "tcp"))
            {
                error = "the only query a turn: URI takes is ?transport=udp or ?transport=tcp (RFC 7065)";
                return false;
            }

            transport = parameter[10..];
        }

        if (!TrySplitHostPort(rest, out var host, out var port))
        {
            error = "it needs a host and at most a port, like turn:turn.example.com:3478 (no user name, path or //)";
            return false;
        }

        uri = new IceServerUri(scheme, host, port, transport);
        return true;
    }

    public override string ToString() =>
        $"{Scheme}:{Host}{(Port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : "")}{(Transport is { } t ? "?transport=" + t : "")}";

    private static bool TrySplitHostPort(string authority, out string host, out int? port)
    {
        host = authority;
        port = null;
        string portText;
        if (authority.StartsWith('['))
        {
            // An IPv6 literal: [2001:db8::1]:3478.
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(authority[1..close], out _))
            {
                return false;
            }

            host = authority[..(close + 1)];
            portText = authority[(close + 1)..];
            if (portText.Length == 0)
            {
                return true;
            }

            if (portText[0] != ':')
            {
                return false;
            }

            portText = portText[1..];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon < 0)
            {
                return IsHostName(host);
            }

            host = authority[..colon];
            portText = authority[(colon + 1)..];
            if (!IsHostName(host))
            {
                return false;
            }
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            return false;
        }

        port = number;
        return true;
    }

    // A DNS name or an IPv4 literal (RFC 3986 reg-name, restricted to what a TURN server's name can be).
    private static bool IsHostName(string host) =>
        host.Length is > 0 and <= 253 && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');
}
