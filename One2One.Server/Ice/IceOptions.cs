namespace One2One.Server.Ice;

/// <summary>
/// The STUN and TURN servers browsers are given, bound from the "Ice" and "Turn" configuration sections and checked
/// at start-up by <see cref="IceOptionsValidator"/>. Empty by default: on one machine or a LAN, the media server's
/// own candidates are enough.
/// </summary>
public sealed class IceOptions
{
    public const string SectionName = "Ice";

    /// <summary>STUN servers for the pages (RFC 7064 URIs, e.g. <c>stun:stun.example.com:3478</c>).</summary>
    public string[] StunUrls { get; set; } = [];

    /// <summary><see cref="IceTransportPolicy.Relay"/> makes pages use TURN relay candidates only.</summary>
    public IceTransportPolicy TransportPolicy { get; set; } = IceTransportPolicy.All;

    /// <summary>The "Turn" section.</summary>
    public TurnOptions Turn { get; } = new();
}

/// <summary>RTCIceTransportPolicy (W3C WebRTC 1.0 §4.2.5).</summary>
public enum IceTransportPolicy
{
    /// <summary>Any candidate: host, server reflexive or relay.</summary>
    All,

    /// <summary>Relay candidates only: every packet goes through TURN.</summary>
    Relay,
}

/// <summary>Configuration section "Turn": TURN servers and the shared secret they check credentials with.</summary>
public sealed class TurnOptions
{
    public const string SectionName = "Turn";

    /// <summary>TURN servers (RFC 7065 URIs, e.g. <c>turn:turn.example.com:3478</c>, <c>turns:turn.example.com:443?transport=tcp</c>).</summary>
    public string[] Urls { get; set; } = [];

    /// <summary>The secret shared with the TURN server (coturn's <c>static-auth-secret</c> with <c>use-auth-secret</c>). Never logged.</summary>
    public string? SharedSecret { get; set; }

    /// <summary>How long a minted credential may start TURN allocations.</summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromHours(1);
}
