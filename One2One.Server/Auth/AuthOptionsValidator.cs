using One2One.Server.Hosting;
using Microsoft.Extensions.Options;

namespace One2One.Server.Auth;

/// <summary>Checks the <c>Auth</c> section at start-up, so a half-configured authentication stops the server with a clear message.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <summary>The most a token's lifetime may be stretched for clocks that disagree.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.NameClaim is not null && string.IsNullOrWhiteSpace(options.NameClaim))
        {
            failures.Add("Auth:NameClaim must name the token claim that carries the user's name (for self-issued tokens 'name' when not set).");
        }

        if (options.Mode == AuthMode.Jwt)
        {
            ValidateJwt(options, failures);
        }
        else if (options.Mode != AuthMode.None)
        {
            failures.Add($"Auth:Mode must be None or Jwt, not {(int)options.Mode}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateJwt(AuthOptions options, List<string> failures)
    {
        var jwt = options.Jwt;
        var hasAuthority = !string.IsNullOrWhiteSpace(jwt.Authority);
        var hasKey = !string.IsNullOrEmpty(jwt.SigningKey);
        if (!hasAuthority && !hasKey)
        {
            failures.Add("Auth:Mode is Jwt, but neither Auth:Jwt:Authority (an OpenID Connect issuer) nor Auth:Jwt:SigningKey "
                + "(a shared key for tokens you issue yourself) is set.");
        }
        else if (hasAuthority && hasKey)
        {
            failures.Add("Set either Auth:Jwt:Authority or Auth:Jwt:SigningKey, not both: tokens come from one issuer.");
        }
        else if (hasAuthority)
        {
            if (!Uri.TryCreate(jwt.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"Auth:Jwt:Authority must be an absolute http(s) URI (was '{jwt.Authority}').");
            }
            else if (authority.Scheme == Uri.UriSchemeHttp && jwt.RequireHttpsMetadata)
            {
                failures.Add($"Auth:Jwt:Authority '{jwt.Authority}' is not HTTPS; set Auth:Jwt:RequireHttpsMetadata=false only for a local identity provider in development.");
            }

            if (options.NameClaim is null)
            {
                failures.Add("Auth:NameClaim is required with Auth:Jwt:Authority: name the token claim that identifies a user uniquely and "
                    + "that users cannot change themselves (e.g. preferred_username where usernames cannot be edited, or sub). An identity "
                    + "provider's 'name' is a display name: anyone may take someone else's, and two people may share one.");
            }

            if (string.IsNullOrWhiteSpace(jwt.Audience))
            {
                failures.Add("Auth:Jwt:Audience is required with Auth:Jwt:Authority: without it, a token the provider issued for any other application would be accepted.");
            }
        }
        else if (!JwtSigningKey.TryRead(jwt.SigningKey, out _, out var error))
        {
            failures.Add(error);
        }

        if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > MaxClockSkew)
        {
            // A bare number is days to TimeSpan: "60" would accept every token for two months after it expired.
            failures.Add($"Auth:Jwt:ClockSkew must be between 00:00:00 and {MaxClockSkew:hh\\:mm\\:ss} (hh:mm:ss; a bare number means days).");
        }

        if (jwt.DevelopmentTokenLifetime <= TimeSpan.Zero || jwt.DevelopmentTokenLifetime > DevelopmentTokenCommand.MaxLifetime)
        {
            failures.Add($"Auth:Jwt:DevelopmentTokenLifetime must be positive and at most {DevelopmentTokenCommand.MaxLifetime.TotalDays:0} days.");
        }
    }
}
