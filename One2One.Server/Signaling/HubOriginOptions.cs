namespace One2One.Server.Signaling;

/// <summary>
/// Which web pages may open a hub connection (<c>Hub</c> section). A browser names the page that opens a connection in
/// its <c>Origin</c> header and lets any page open a WebSocket to any server, so without a check any site a person
/// visits could register and place calls from their browser, with their address (cross-site WebSocket hijacking).
/// </summary>
public sealed class HubOriginOptions
{
    public const string SectionName = "Hub";

    /// <summary>
    /// Origins other than the server's own whose pages may connect (an app using the SDK from its own site), each
    /// <c>scheme://host[:port]</c>, e.g. <c>https://app.example.org</c> (or an app's own scheme, <c>capacitor://localhost</c>). Empty (the default): only pages this server
    /// serves (same origin), and clients that send no Origin (apps outside a browser).
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>An absolute address with a host and nothing after it (an app's custom scheme, like <c>capacitor://localhost</c>, too).</summary>
    internal static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.IdnHost.Length > 0 && uri.AbsolutePath == "/"
        && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;

    /// <summary>The <see cref="AllowedOrigins"/> as a browser writes an origin (as CORS and frame-ancestors compare them), each once.</summary>
    internal IReadOnlyList<string> NormalizedOrigins() => [.. AllowedOrigins.Select(Normalize).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The origin as a browser writes it (<c>Origin</c> header): lower-case, no default port, no trailing slash.</summary>
    internal static string Normalize(string origin) => new Uri(origin, UriKind.Absolute).GetLeftPart(UriPartial.Authority);
}
