namespace One2One.Kurento;

/// <summary>Configuration section "Kurento": where the media server is and how patient to be with it.</summary>
public sealed class KurentoOptions
{
    public const string SectionName = "Kurento";

    /// <summary>The media server's Kurento endpoint, e.g. ws://127.0.0.1:8888/kurento; unset when the embedded media server is used.</summary>
    public string? Uri { get; set; }

    /// <summary>
    /// Several media servers (<c>Kurento:Uris:0</c>, <c>Kurento:Uris:1</c>, ...): each call's pipeline goes to one of them.
    /// <see cref="Uri"/> (or the tutorial's <c>--ws_uri</c>) is the one-server form; set one or the other.
    /// </summary>
    public List<string> Uris { get; set; } = [];

    /// <summary>How long a request (including waiting for a connection) may take before it fails.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Ping period; below the 60 s idle timeout of common reverse proxies, far below KMS's 240 s session collector.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay before the second reconnect attempt; it doubles after each failure up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A STUN server for the media server's WebRtcEndpoints, <c>address[:port]</c> (an IPv4 address: KMS takes no
    /// names; port 3478 when left out). Set on each endpoint with <c>setStunServerAddress</c>/<c>setStunServerPort</c>.
    /// </summary>
    public string? StunServer { get; set; }

    /// <summary>
    /// A TURN server for the media server's WebRtcEndpoints in KMS's <c>turnUrl</c> form,
    /// <c>[user:password@]address:port[?transport=udp|tcp|tls]</c> (an IPv4 address). Without <c>user:password@</c>
    /// each endpoint gets a credential minted from <c>Turn:SharedSecret</c>. Set with <c>setTurnUrl</c>. Never logged.
    /// </summary>
    public string? TurnUrl { get; set; }

    /// <summary>Largest message accepted from the media server; a larger one drops the connection.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Events from the media server waiting for their handlers (which run one at a time). Past it, new ones are dropped,
    /// counted and logged: a media server flooding events while a handler is slow cannot grow the client without bound.
    /// A call's set-up brings a few dozen.
    /// </summary>
    public int MaxQueuedEvents { get; set; } = 10_000;
}
