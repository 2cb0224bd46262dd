using Microsoft.Extensions.Options;

namespace One2One.Server.Signaling;

/// <summary>Checks <see cref="HubOriginOptions"/> at start-up: each allowed origin is <c>scheme://host[:port]</c> and nothing more.</summary>
internal sealed class HubOriginOptionsValidator : IValidateOptions<HubOriginOptions>
{
    public ValidateOptionsResult Validate(string? name, HubOriginOptions options)
    {
        var failures = options.AllowedOrigins
            .Where(o => !HubOriginOptions.IsOrigin(o))
            .Select(o => $"Hub:AllowedOrigins: '{o}' is not an origin (scheme://host[:port], like https://app.example.org).")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
