using Microsoft.Extensions.Options;

namespace One2One.Kurento;

/// <summary>Checks <see cref="KurentoOptions"/> at start-up (registered by <c>AddKurentoClient</c>).</summary>
internal sealed class KurentoOptionsValidator : IValidateOptions<KurentoOptions>
{
    // CancellationTokenSource and timers take at most uint.MaxValue - 1 milliseconds.
    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, KurentoOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Uri)
            && (!System.Uri.TryCreate(options.Uri, UriKind.Absolute, out var uri) || (uri.Scheme != "ws" && uri.Scheme != "wss")))
        {
            failures.Add($"Kurento:Uri must be an absolute ws:// or wss:// URI, not '{options.Uri}'.");
        }

        for (var i = 0; i < options.Uris.Count; i++)
        {
            if (!System.Uri.TryCreate(options.Uris[i], UriKind.Absolute, out var each) || (each.Scheme != "ws" && each.Scheme != "wss"))
            {
                failures.Add($"Kurento:Uris:{i} must be an absolute ws:// or wss:// URI, not '{options.Uris[i]}'.");
            }
        }

        if (options.Uris.Count > 0 && !string.IsNullOrWhiteSpace(options.Uri) && !options.Uris.Contains(options.Uri))
        {
            failures.Add("Set Kurento:Uri (one media server) or Kurento:Uris (several), not both.");
        }

        if (!string.IsNullOrWhiteSpace(options.StunServer) && !KurentoStunServer.TryParse(options.StunServer, out _))
        {
            failures.Add($"Kurento:StunServer must be an IPv4 address with an optional port (KMS takes no host names), like 198.51.100.7:3478, not '{options.StunServer}'.");
        }

        // Not echoed: it may hold a password.
        if (!string.IsNullOrWhiteSpace(options.TurnUrl) && !KurentoTurnUrl.TryParse(options.TurnUrl, out _))
        {
            failures.Add("Kurento:TurnUrl must be in KMS's form [user:password@]address:port[?transport=udp|tcp|tls], with an IPv4 address (KMS takes no host names).");
        }

        CheckDuration(failures, nameof(options.RequestTimeout), options.RequestTimeout);
        CheckDuration(failures, nameof(options.KeepAliveInterval), options.KeepAliveInterval);
        CheckDuration(failures, nameof(options.ReconnectDelay), options.ReconnectDelay);
        CheckDuration(failures, nameof(options.MaxReconnectDelay), options.MaxReconnectDelay);
        if (options.MaxReconnectDelay < options.ReconnectDelay)
        {
            failures.Add("Kurento:MaxReconnectDelay must not be shorter than Kurento:ReconnectDelay.");
        }

        if (options.MaxMessageSize < 1024)
        {
            failures.Add("Kurento:MaxMessageSize must be at least 1024 bytes.");
        }

        if (options.MaxQueuedEvents < 16)
        {
            failures.Add("Kurento:MaxQueuedEvents must be at least 16.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckDuration(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > Longest)
        {
            failures.Add($"Kurento:{name} must be positive and at most {Longest}, not {value}.");
        }
    }
}
