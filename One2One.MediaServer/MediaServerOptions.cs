namespace One2One.MediaServer;

/// <summary>Configuration section <c>MediaServer</c>; validated at start-up.</summary>
public sealed class MediaServerOptions
{
    public const string SectionName = "MediaServer";

    /// <summary>Address the media ports (UDP and ICE-TCP) bind to.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Addresses announced in ICE candidates (LAN or NAT addresses); empty means the bind address.</summary>
    public IList<string> AnnouncedAddresses { get; } = [];

    /// <summary>Answer H.264 (constrained baseline, packetization-mode 1) next to VP8 when the browser offers it.
    /// Off by default: the relay does not transcode, so both sides of a call must send the same codec, and every
    /// WebRTC browser has VP8.</summary>
    public bool AllowH264 { get; set; }

    /// <summary>
    /// The most video bitrate, in bits per second, a browser is asked to send to this server; 0 means no cap. The answer
    /// carries it as b=TIAS and b=AS on the video section (RFC 3890, RFC 4566 §5.8), and every REMB relayed to a
    /// browser is lowered to it (draft-alvestrand-rmcat-remb-03), so the sender's estimate never goes above it.
    /// </summary>
    public long MaxVideoBitrate { get; set; }

    /// <summary>
    /// The video bitrate, in bits per second, a browser's encoder starts at (the answer's <c>x-google-start-bitrate</c>,
    /// which Chromium reads; at most <see cref="MaxVideoBitrate"/>); its bandwidth estimate takes over from there. 0 leaves
    /// the browser's default of 300 kbps, which paces the first keyframe out over about 100 ms.
    /// </summary>
    public long VideoStartBitrate { get; set; } = 1_000_000;

    /// <summary>
    /// The one UDP port every endpoint's media uses. 0 (the default of the embedded server) means the first free port
    /// of <see cref="MinPort"/>..<see cref="MaxPort"/> when that range is set, else an ephemeral port.
    /// </summary>
    public int UdpPort { get; set; }

    /// <summary>
    /// The port of ICE over TCP (RFC 6544 passive candidates, RFC 4571 framing). 0 means chosen as <see cref="UdpPort"/>
    /// is (from the range, else ephemeral); -1 disables ICE-TCP.
    /// </summary>
    public int TcpPort { get; set; }

    /// <summary>Lowest port of the range the media ports are chosen from when <see cref="UdpPort"/> (or <see cref="TcpPort"/>) is 0; 0 with <see cref="MaxPort"/> 0 means no range.</summary>
    public int MinPort { get; set; }

    /// <summary>Highest port of that range (inclusive).</summary>
    public int MaxPort { get; set; }

    /// <summary>Threads that do all receiving, relaying and sending; 0 (the default) means one per processor.</summary>
    public int Workers { get; set; }

    /// <summary>Datagrams moved per system call on Linux (recvmmsg/sendmmsg); 1 means one call per datagram.</summary>
    public int UdpBatch { get; set; } = 32;

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

    /// <summary>
    /// Frames (replies and events) queued per socket; a client that falls this far behind is disconnected. A media thread
    /// raises events for many endpoints at once (a network blip stops media on every call: two MediaFlowIn events per
    /// endpoint in one tick, then their ICE states), far faster than a socket sends them, so a client that reads
    /// every frame still falls behind for a moment: the default allows 8 per endpoint of the default
    /// <see cref="MaxEndpoints"/> (raise it with that). A client that stopped reading is also cut off once its queue holds
    /// 16 MiB (an event may carry its object's tags), so it costs at most that.
    /// </summary>
    public int EventQueueCapacity { get; set; } = 8192;

    /// <summary>
    /// RTP and RTCP packets one endpoint takes from its browser per second (counted in tenths of a second), 0 for no limit.
    /// The default, 10,000, is about 100 Mbit/s of 1,200-byte packets, far above any browser's call; past it packets are
    /// dropped (<c>over-budget</c>) before the endpoint's receive lock, so one browser flooding from several addresses
    /// (the kernel spreads them over the media workers) cannot hold every worker at that lock.
    /// </summary>
    public int MaxInboundPacketsPerSecond { get; set; } = 10_000;

    /// <summary>
    /// How often the server pings each control socket (keeping proxies from idling it out), and how long it waits for the
    /// pong before it drops the socket: a client whose host vanished (power loss, a killed VM, a partition) or whose process
    /// froze is noticed within both, and its session starts <see cref="SessionCollectTimeout"/> then, instead of after TCP
    /// gives up (a quarter of an hour on Linux) or never.
    /// </summary>
    public TimeSpan ControlKeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc cref="ControlKeepAliveInterval"/>
    public TimeSpan ControlKeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Browser origins (<c>https://app.example.org</c>) whose pages may open the control WebSocket. A WebSocket
    /// request with an <c>Origin</c> header comes from a browser page and is refused unless its origin is listed;
    /// Kurento clients (.NET ClientWebSocket, Node ws, kurento-client) send none. Empty by default.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// Where the standalone server serves the control protocol: KMS's <c>/kurento</c> by default. The protocol has no
    /// authentication (neither has KMS's): on a network others share, a path nobody can guess
    /// (<c>/3f9c…e1/kurento</c>) keeps them from listing and joining calls; the path is then kept out of the log. The
    /// embedded server always uses a random one.
    /// </summary>
    public string ControlPath { get; set; } = DefaultControlPath;

    /// <summary>KMS's path.</summary>
    public const string DefaultControlPath = "/kurento";

    /// <summary><see cref="Workers"/>, or the processor count when it is 0.</summary>
    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;

    /// <summary>The addresses to announce: <see cref="AnnouncedAddresses"/>, or the bind address when none is set.</summary>
    public IReadOnlyList<string> EffectiveAnnouncedAddresses => AnnouncedAddresses.Count > 0 ? [.. AnnouncedAddresses] : [BindAddress];
}
