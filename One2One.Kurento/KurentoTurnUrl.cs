using System.Text.RegularExpressions;

namespace One2One.Kurento;

/// <summary>
/// A TURN server as a WebRtcEndpoint takes it in <c>turnUrl</c>: <c>user:password@address:port[?transport=udp|tcp|tls]</c>
/// with an IPv4 address (elements.WebRtcEndpoint.kmd.json). KMS matches it with
/// <c>^(?&lt;user&gt;.+):(?&lt;password&gt;.+)@(?&lt;address&gt;[0-9.]+):(?&lt;port&gt;[0-9]+)(\?transport=(udp|tcp|tls))?$</c>
/// (kmswebrtcendpoint.c), so the user name may itself contain colons, as a TURN REST user name does. Here the
/// <c>user:password@</c> part may be left out, to be filled in per endpoint.
/// </summary>
public sealed partial record KurentoTurnUrl(string? Username, string? Password, string Address, int Port, string? Transport)
{
    public bool HasCredentials => Username is not null;

    public static bool TryParse(string? text, out KurentoTurnUrl url)
    {
        url = null!;
        // A browser-style "turn:" URI would parse, with "turn:user" as the user name: refuse the likely mistake.
        if (text is null || text.StartsWith("turn:", StringComparison.OrdinalIgnoreCase) || text.StartsWith("turns:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var match = Shape().Match(text.Trim());
        if (!match.Success || !KurentoStunServer.IsIPv4(match.Groups["address"].Value)
            || !KurentoStunServer.TryParsePort(match.Groups["port"].Value, out var port))
        {
            return false;
        }

        url = new KurentoTurnUrl(
            match.Groups["user"].Success ? match.Groups["user"].Value : null,
            match.Groups["password"].Success ? match.Groups["password"].Value : null,
            match.Groups["address"].Value,
            port,
            match.Groups["transport"].Success ? match.Groups["transport"].Value : null);
        return true;
    }

    /// <summary>This server with <paramref name="username"/> and <paramref name="password"/>, as <c>setTurnUrl</c> takes it.</summary>
    public string ToWire(string username, string password) =>
        $"{username}:{password}@{Address}:{Port}{(Transport is { } t ? "?transport=" + t : "")}";

    /// <summary>As configured, with its own credentials.</summary>
    public string ToWire() =>
        HasCredentials ? ToWire(Username!, Password!) : throw new InvalidOperationException("This TURN URL has no credentials.");

    /// <summary>Without the password.</summary>
    public override string ToString() => $"{Address}:{Port}{(Transport is { } t ? "?transport=" + t : "")}";

    // The password excludes '@' so that "user:pass@1.2.3.4:3478" cannot be read two ways.
    [GeneratedRegex(@"^(?:(?<user>[^@]+):(?<password>[^:@]+)@)?(?<address>[0-9.]+):(?<port>[0-9]+)(?:\?transport=(?<transport>udp|tcp|tls))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
