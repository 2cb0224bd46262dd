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
    /// <c>scheme://host[:port]</c>, e.g. <c>https://app.example.org</c>. Empty (the default): only pages this server
    /// serves (same origin), and clients that send no Origin (apps outside a browser).
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];
}
