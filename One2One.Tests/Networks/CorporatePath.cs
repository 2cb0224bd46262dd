namespace One2One.Tests.Networks;

/// <summary>
/// A way through a firewall that drops UDP, and the candidate pair the page behind it must end up on: TURN over TCP
/// through coturn (which works with any media server; the embedded one's ICE-TCP is turned off so that the page has no
/// other way), or ICE-TCP straight to the embedded media server's TCP port (RFC 6544), its default.
/// </summary>
/// <param name="Settings">Server settings beyond the lab's (which offer coturn over UDP and TCP).</param>
/// <param name="LocalTypes">The page's local candidate type (relay; host or, seen through the office's NAT, prflx).</param>
/// <param name="LocalRelayProtocol">For a relay candidate, how the page reaches the TURN server.</param>
/// <param name="Protocol">The protocol of the selected pair's candidates, as the media server sees them.</param>
internal sealed record CorporatePath(string Name, IReadOnlyDictionary<string, string?> Settings, string[] LocalTypes, string? LocalRelayProtocol, string Protocol)
{
    public static readonly CorporatePath TurnOverTcp = new("TURN over TCP", new Dictionary<string, string?> { ["MediaServer:TcpPort"] = "-1" }, ["relay"], "tcp", "udp");

    public static readonly CorporatePath IceTcp = new("ICE-TCP", new Dictionary<string, string?>(), ["host", "prflx"], null, "tcp");

    public override string ToString() => Name;
}
