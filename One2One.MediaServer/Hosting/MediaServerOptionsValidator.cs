using System.Net;
using Microsoft.Extensions.Options;

namespace One2One.MediaServer.Hosting;

/// <summary>Rejects a <see cref="MediaServerOptions"/> the server cannot run with, naming the setting.</summary>
internal sealed class MediaServerOptionsValidator : IValidateOptions<MediaServerOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaServerOptions options)
    {
        var failures = new List<string>();
        var prefix = MediaServerOptions.SectionName + ":";
        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"{prefix}BindAddress '{options.BindAddress}' is not an IP address.");
        }

        foreach (var address in options.AnnouncedAddresses)
        {
            if (!IPAddress.TryParse(address, out var announced) || announced.Equals(IPAddress.Any) || announced.Equals(IPAddress.IPv6Any))
            {
                failures.Add($"{prefix}AnnouncedAddresses entry '{address}' is not an IP address browsers can reach.");
            }
        }

        if (options.AnnouncedAddresses.Count == 0 && IPAddress.TryParse(options.BindAddress, out var bind)
            && (bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any)))
        {
            failures.Add($"{prefix}AnnouncedAddresses is required when BindAddress is {options.BindAddress}: name the addresses browsers reach this server at.");
        }

        if (!options.ControlPath.StartsWith('/') || options.ControlPath.Length < 2 || options.ControlPath.Contains("//", StringComparison.Ordinal)
            || options.ControlPath.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '?' or '#' or '%'))
        {
            failures.Add($"{prefix}ControlPath '{options.ControlPath}' is not a path (like /kurento, or /a-long-random-token/kurento).");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!IsOrigin(origin))
            {
                failures.Add($"{prefix}AllowedOrigins entry '{origin}' is not an origin (scheme://host[:port], http or https, no path).");
            }
        }

        if (options.MaxVideoBitrate < 0 || options.VideoStartBitrate < 0)
        {
            failures.Add($"{prefix}MaxVideoBitrate and VideoStartBitrate are bits per second, 0 or more (got {options.MaxVideoBitrate} and {options.VideoStartBitrate}).");
        }

        if (options.MinPort is < 0 or > 65535 || options.MaxPort is < 0 or > 65535)
        {
            failures.Add($"{prefix}MinPort and MaxPort must be within 0..65535 (got {options.MinPort}..{options.MaxPort}).");
        }
        else if ((options.MinPort == 0) != (options.MaxPort == 0) || options.MinPort > options.MaxPort)
        {
            failures.Add($"{prefix}MinPort..MaxPort must be a range with MinPort <= MaxPort, or both 0 for ephemeral ports; the media ports are taken from it when UdpPort or TcpPort is 0 (got {options.MinPort}..{options.MaxPort}).");
        }

        if (options.UdpPort is < 0 or > 65535)
        {
            failures.Add($"{prefix}UdpPort must be within 0..65535, 0 for a port from MinPort..MaxPort or an ephemeral one (got {options.UdpPort}).");
        }

        if (options.TcpPort is < -1 or > 65535)
        {
            failures.Add($"{prefix}TcpPort must be within 0..65535, 0 for a port from MinPort..MaxPort or an ephemeral one, or -1 to disable ICE-TCP (got {options.TcpPort}).");
        }

        if (options.Workers is < 0 or > 256)
        {
            failures.Add($"{prefix}Workers must be within 1..256, or 0 for one per processor (got {options.Workers}).");
        }

        if (options.UdpBatch is < 1 or > 1024)
        {
            failures.Add($"{prefix}UdpBatch must be within 1..1024 (got {options.UdpBatch}).");
        }

        if (options.MaxInboundPacketsPerSecond < 0)
        {
            failures.Add($"{prefix}MaxInboundPacketsPerSecond must be 0 (no limit) or more (got {options.MaxInboundPacketsPerSecond}).");
        }

        if (!IsTimerSpan(options.ControlKeepAliveInterval) || !IsTimerSpan(options.ControlKeepAliveTimeout))
        {
            failures.Add($"{prefix}ControlKeepAliveInterval and {prefix}ControlKeepAliveTimeout must be positive and at most {LongestTimer} (got {options.ControlKeepAliveInterval} and {options.ControlKeepAliveTimeout}).");
        }

        if (!IsTimerSpan(options.SessionCollectTimeout))
        {
            failures.Add($"{prefix}SessionCollectTimeout must be positive and at most {LongestTimer} (got {options.SessionCollectTimeout}).");
        }

        if (options.MaxMessageBytes < 1024)
        {
            failures.Add($"{prefix}MaxMessageBytes must be at least 1024 (got {options.MaxMessageBytes}).");
        }

        if (options.MaxEndpoints < 1)
        {
            failures.Add($"{prefix}MaxEndpoints must be at least 1 (got {options.MaxEndpoints}).");
        }

        if (options.MaxSessions < 1)
        {
            failures.Add($"{prefix}MaxSessions must be at least 1 (got {options.MaxSessions}).");
        }

        if (options.EventQueueCapacity < 16)
        {
            failures.Add($"{prefix}EventQueueCapacity must be at least 16 (got {options.EventQueueCapacity}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Timers and WebSocket keep-alives take at most about 49 days; a day is far beyond any sensible value.</summary>
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(1);

    private static bool IsTimerSpan(TimeSpan value) => value > TimeSpan.Zero && value <= LongestTimer;

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.UserInfo.Length == 0 && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0;
}
