using System.ComponentModel.DataAnnotations;

namespace One2One.Server.Limits;

/// <summary>
/// What one client may cost the server, bound from the "Limits" configuration section and validated at start.
/// Rates are per minute and refill continuously: a client may use a whole minute's budget at once, then gets it
/// back a little at a time. Every default is explained in the README's configuration table.
/// </summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Messages queued for one browser that is not reading them; one more and it is disconnected.</summary>
    [Range(16, 65_536, ErrorMessage = "Limits:OutboxCapacity must be between 16 and 65536.")]
    public int OutboxCapacity { get; set; } = 256;

    /// <summary>
    /// The largest SDP offer accepted, in UTF-8 bytes. At most 256 KiB: in the media server's request JSON may double it
    /// (quotes and backslashes escaped), and the embedded media server takes control messages up to 1 MiB.
    /// </summary>
    [Range(4_096, 262_144, ErrorMessage = "Limits:MaxSdpOfferBytes must be between 4096 and 262144.")]
    public int MaxSdpOfferBytes { get; set; } = 64 * 1024;

    /// <summary>The largest ICE candidate accepted (its candidate line and sdpMid together), in UTF-8 bytes.</summary>
    [Range(256, 16_384, ErrorMessage = "Limits:MaxCandidateBytes must be between 256 and 16384.")]
    public int MaxCandidateBytes { get; set; } = 1024;

    [Range(1, 100_000, ErrorMessage = "Limits:RegisterPerConnectionPerMinute must be between 1 and 100000.")]
    public int RegisterPerConnectionPerMinute { get; set; } = 10;

    [Range(1, 100_000, ErrorMessage = "Limits:RegisterPerAddressPerMinute must be between 1 and 100000.")]
    public int RegisterPerAddressPerMinute { get; set; } = 60;

    [Range(1, 100_000, ErrorMessage = "Limits:CallAttemptsPerConnectionPerMinute must be between 1 and 100000.")]
    public int CallAttemptsPerConnectionPerMinute { get; set; } = 20;

    [Range(1, 100_000, ErrorMessage = "Limits:CallAttemptsPerAddressPerMinute must be between 1 and 100000.")]
    public int CallAttemptsPerAddressPerMinute { get; set; } = 200;

    [Range(1, 100_000, ErrorMessage = "Limits:CandidatesPerConnectionPerMinute must be between 1 and 100000.")]
    public int CandidatesPerConnectionPerMinute { get; set; } = 120;

    [Range(1, 1_000_000, ErrorMessage = "Limits:CandidatesPerAddressPerMinute must be between 1 and 1000000.")]
    public int CandidatesPerAddressPerMinute { get; set; } = 1200;

    [Range(1, 100_000, ErrorMessage = "Limits:MediaStatePerConnectionPerMinute must be between 1 and 100000.")]
    public int MediaStatePerConnectionPerMinute { get; set; } = 60;

    [Range(1, 1_000_000, ErrorMessage = "Limits:MediaStatePerAddressPerMinute must be between 1 and 1000000.")]
    public int MediaStatePerAddressPerMinute { get; set; } = 600;

    [Range(1, 100_000, ErrorMessage = "Limits:IceServersPerConnectionPerMinute must be between 1 and 100000.")]
    public int IceServersPerConnectionPerMinute { get; set; } = 30;

    [Range(1, 1_000_000, ErrorMessage = "Limits:IceServersPerAddressPerMinute must be between 1 and 1000000.")]
    public int IceServersPerAddressPerMinute { get; set; } = 300;

    /// <summary>How often one caller (a client address) may ring the same name in any minute.</summary>
    [Range(1, 100_000, ErrorMessage = "Limits:RingsPerPairPerMinute must be between 1 and 100000.")]
    public int RingsPerPairPerMinute { get; set; } = 3;

    /// <summary>
    /// After a ring that went unanswered (no answer, or declined), how long before the same caller (a client address) may
    /// ring that person again; zero turns it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Limits:RingAgainAfterUnanswered must be between 0 and 1 hour.")]
    public TimeSpan RingAgainAfterUnanswered { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Names registered at once from one client address.</summary>
    [Range(1, 100_000, ErrorMessage = "Limits:RegistrationsPerAddress must be between 1 and 100000.")]
    public int RegistrationsPerAddress { get; set; } = 20;

    /// <summary>Hub connections open at once from one client address, registered or not.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Limits:ConnectionsPerAddress must be between 1 and 1000000.")]
    public int ConnectionsPerAddress { get; set; } = 100;

    /// <summary>
    /// Hub connections one client address may start per minute (negotiations, and WebSockets opened without one): SignalR
    /// holds each negotiated connection until its disconnect timeout even when the client never opens it.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Limits:ConnectionAttemptsPerAddressPerMinute must be between 1 and 1000000.")]
    public int ConnectionAttemptsPerAddressPerMinute { get; set; } = 300;

    /// <summary>Calls placed from one client address that are ringing or in progress at once.</summary>
    [Range(1, 100_000, ErrorMessage = "Limits:CallsPerAddress must be between 1 and 100000.")]
    public int CallsPerAddress { get; set; } = 10;

    /// <summary>
    /// The hub's maximum message size, derived rather than configured: the largest legitimate message is a Call or an
    /// accepting IncomingCallResponse carrying an SDP offer. In JSON each of the offer's CRLF line ends doubles in size
    /// ("\r\n"), so twice the offer limit covers any offer within it, and 4 KiB covers the method name, the other
    /// arguments and the framing.
    /// </summary>
    public int MaxMessageBytes => (2 * MaxSdpOfferBytes) + 4096;
}
