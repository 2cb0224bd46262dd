namespace One2One.Tests.Networks;

/// <summary>
/// A way through a firewall that drops UDP, and the candidate pair the page behind it must end up on. TURN over TCP
/// through coturn works with any media server; ICE-TCP straight to the media server is another row here once the
/// media server listens for it (with whatever settings that needs).
/// </summary>
/// <param name="Settings">Server settings beyond the lab's (which offer coturn over UDP and TCP).</param>
/// <param name="LocalType">The page's local candidate type (relay, host).</param>
/// <param name="LocalRelayProtocol">For a relay candidate, how the page reaches the TURN server.</param>
/// <param name="Protocol">The protocol of the selected pair's candidates, as the media server sees them.</param>
internal sealed record CorporatePath(string Name, IReadOnlyDictionary<string, string?> Settings, string LocalType, string? LocalRelayProtocol, string Protocol)
{
    public static readonly CorporatePath TurnOverTcp = new("TURN over TCP", new Dictionary<string, string?>(), "relay", "tcp", "udp");

    public override string ToString() => Name;
}
