using Microsoft.Extensions.Options;

namespace One2One.Server.Ice;

/// <summary>Checks <see cref="IceOptions"/> at start-up. Messages name the setting; they never echo the secret.</summary>
internal sealed class IceOptionsValidator : IValidateOptions<IceOptions>
{
    // Browsers refresh an allocation every few minutes; a credential shorter than that is useless, one longer than a
    // week is a password that outlives whoever it was given to.
    private static readonly TimeSpan ShortestLifetime = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestLifetime = TimeSpan.FromDays(7);

    public ValidateOptionsResult Validate(string? name, IceOptions options)
    {
        var failures = new List<string>();
        CheckUrls(failures, "Ice:StunUrls", options.StunUrls, turn: false);
        CheckUrls(failures, "Turn:Urls", options.Turn.Urls, turn: true);

        if (!Enum.IsDefined(options.TransportPolicy))
        {
            failures.Add("Ice:TransportPolicy must be 'all' or 'relay'.");
        }
        else if (options.TransportPolicy == IceTransportPolicy.Relay && options.Turn.Urls.Length == 0)
        {
            failures.Add("Ice:TransportPolicy=relay needs at least one TURN server in Turn:Urls: without one, pages would have no candidate at all.");
        }

        if (options.Turn.Urls.Length > 0 && string.IsNullOrEmpty(options.Turn.SharedSecret))
        {
            failures.Add("Turn:Urls needs Turn:SharedSecret, the secret the TURN server checks credentials with (coturn: static-auth-secret).");
        }

        if (options.Turn.SharedSecret is { Length: > 0 } secret && secret.Trim().Length != secret.Length)
        {
            failures.Add("Turn:SharedSecret must not start or end with white space (coturn would not see it).");
        }

        if (options.Turn.CredentialLifetime < ShortestLifetime || options.Turn.CredentialLifetime > LongestLifetime)
        {
            failures.Add($"Turn:CredentialLifetime must be between {ShortestLifetime} and {LongestLifetime}, not {options.Turn.CredentialLifetime}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckUrls(List<string> failures, string setting, string[] urls, bool turn)
    {
        foreach (var url in urls)
        {
            if (!IceServerUri.TryParse(url, out var uri, out var error))
            {
                failures.Add($"{setting}: '{url}' is not a {(turn ? "TURN" : "STUN")} URI: {error}.");
            }
            else if (uri.IsTurn != turn)
            {
                failures.Add($"{setting}: '{url}' is a {(turn ? "STUN" : "TURN")} URI; {(turn ? "STUN servers go in Ice:StunUrls" : "TURN servers go in Turn:Urls")}.");
            }
        }
    }
}
