using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace One2One.Kurento;

/// <summary>
/// A STUN server as a WebRtcEndpoint takes it: <c>stunServerAddress</c> (an IPv4 address, "domain names are NOT
/// supported", elements.WebRtcEndpoint.kmd.json) and <c>stunServerPort</c>.
/// </summary>
public sealed record KurentoStunServer(string Address, int Port)
{
    public const int DefaultPort = 3478;

    /// <summary>Parses <c>address[:port]</c>.</summary>
    public static bool TryParse(string? text, out KurentoStunServer server)
    {
        server = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Trim().Split(':');
        var port = DefaultPort;
        if (parts.Length > 2 || !IsIPv4(parts[0]) || (parts.Length == 2 && !TryParsePort(parts[1], out port)))
        {
            return false;
        }

        server = new KurentoStunServer(parts[0], port);
        return true;
    }

    internal static bool IsIPv4(string text) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork
        && text.Count(c => c == '.') == 3;

    internal static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
