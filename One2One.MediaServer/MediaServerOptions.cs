namespace One2One.MediaServer;

/// <summary>Configuration section <c>MediaServer</c>; validated at start-up.</summary>
public sealed class MediaServerOptions
{
    public const string SectionName = "MediaServer";

    /// <summary>Address the media (UDP) sockets bind to.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Addresses announced in ICE candidates (LAN or NAT addresses); empty means the bind address.</summary>
    public IList<string> AnnouncedAddresses { get; } = [];

    /// <summary>Answer H.264 (constrained baseline, packetization-mode 1) next to VP8 when the browser offers it.
    /// Off by default: the relay does not transcode, so both sides of a call must send the same codec, and every
    /// WebRTC browser has VP8.</summary>
    public bool AllowH264 { get; set; }

    /// <summary>Lowest UDP port for media; 0 with <see cref="MaxPort"/> 0 means ephemeral ports.</summary>
    public int MinPort { get; set; }

    /// <summary>Highest UDP port for media (inclusive).</summary>
    public int MaxPort { get; set; }

    /// <summary>How long a session whose WebSocket is gone keeps its objects (KMS's garbage collector period).</summary>
    public TimeSpan SessionCollectTimeout { get; set; } = TimeSpan.FromSeconds(240);

    /// <summary>Largest JSON-RPC message accepted; a larger one gets an error reply and the socket is closed.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// WebRtcEndpoints the server holds at once, over all sessions: admission control. One more <c>create</c> is refused
    /// with 40009 NOT_ENOUGH_RESOURCES until one is released (a call takes two). The default is provisional: 1000
    /// endpoints, the 500 concurrent calls the capacity benchmark targets on 2 vCPUs; set it from that benchmark's
    /// figure for your machine. There is no per-session endpoint limit (an application drives all its calls through
    /// one session); what bounds a single control session is its pipelines, at most this many too.
    /// </summary>
    public int MaxEndpoints { get; set; } = 1000;

    /// <summary>Live sessions, and open control sockets, the server accepts.</summary>
    public int MaxSessions { get; set; } = 1000;

    /// <summary>Frames (replies and events) queued per socket; a client that falls this far behind is disconnected.</summary>
    public int EventQueueCapacity { get; set; } = 1024;

    /// <summary>
    /// Browser origins (<c>https://app.example.org</c>) whose pages may open the control WebSocket. A WebSocket
    /// request with an <c>Origin</c> header comes from a browser page and is refused unless its origin is listed;
    /// Kurento clients (.NET ClientWebSocket, Node ws, kurento-client) send none. Empty by default.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>The addresses to announce: <see cref="AnnouncedAddresses"/>, or the bind address when none is set.</summary>
    public IReadOnlyList<string> EffectiveAnnouncedAddresses => AnnouncedAddresses.Count > 0 ? [.. AnnouncedAddresses] : [BindAddress];
}
