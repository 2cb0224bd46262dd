using System.Globalization;
using One2One.Server.Auth;
using One2One.Server.Calls;

namespace One2One.Server.Hosting;

/// <summary>
/// <c>token NAME [LIFETIME] [--setting=value ...]</c>: prints a token for NAME signed with <c>Auth:Jwt:SigningKey</c>, read
/// from the server's own configuration (appsettings, environment, the command line), and exits without starting the
/// server. LIFETIME is e.g. <c>90m</c>, <c>8h</c>, <c>7d</c> or <c>01:30:00</c>; <c>Auth:Jwt:DevelopmentTokenLifetime</c> otherwise.
/// </summary>
internal static class DevelopmentTokenCommand
{
    public const string Name = "token";

    private const string Usage = "usage: One2One.Server token NAME [LIFETIME] [--Auth:Jwt:SigningKey=...] (LIFETIME: 90m, 8h, 7d or hh:mm:ss)";

    public static bool IsInvoked(string[] args) => args.Length > 0 && args[0] == Name;

    /// <returns>The process exit code: 0 with the token on <paramref name="output"/>, 2 for bad usage, 1 when no token can be made.</returns>
    public static int Run(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, TimeProvider time)
    {
        if (args.Length < 2 || IsSetting(args[1]))
        {
            error.WriteLine(Usage);
            return 2;
        }

        if (!UserName.TryNormalize(args[1], out var name, out var nameError))
        {
            error.WriteLine($"'{args[1]}' cannot be registered: {nameError}");
            return 2;
        }

        AuthOptions options;
        try
        {
            options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        }
        catch (InvalidOperationException ex)
        {
            error.WriteLine(ex.Message);
            return 1;
        }

        var lifetime = options.Jwt.DevelopmentTokenLifetime;
        if (args.Length > 2 && !IsSetting(args[2]) && !TryParseLifetime(args[2], out lifetime))
        {
            error.WriteLine($"'{args[2]}' is not a lifetime of up to {MaxLifetime.TotalDays:0} days. {Usage}");
            return 2;
        }

        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            error.WriteLine($"Auth:Jwt:DevelopmentTokenLifetime must be positive and at most {MaxLifetime.TotalDays:0} days (got {lifetime}).");
            return 1;
        }

        if (!string.IsNullOrWhiteSpace(options.Jwt.Authority))
        {
            error.WriteLine($"Auth:Jwt:Authority is set: tokens come from {options.Jwt.Authority}, not from this command.");
            return 1;
        }

        if (string.IsNullOrEmpty(options.Jwt.SigningKey))
        {
            error.WriteLine("No signing key is configured, so no token can be made. Set Auth:Jwt:SigningKey to the key the server checks "
                + "tokens with: in appsettings.json, as the environment variable Auth__Jwt__SigningKey, or on the command line "
                + "(token NAME --Auth:Jwt:SigningKey=...).");
            return 1;
        }

        if (!JwtSigningKey.TryRead(options.Jwt.SigningKey, out _, out var keyError))
        {
            error.WriteLine(keyError);
            return 1;
        }

        if (string.IsNullOrWhiteSpace(options.EffectiveNameClaim))
        {
            error.WriteLine("Auth:NameClaim is empty: the token would carry no name.");
            return 1;
        }

        if (options.Mode != AuthMode.Jwt)
        {
            error.WriteLine("Note: Auth:Mode is not Jwt in this configuration, so the server will not ask for this token (start it with --Auth:Mode=Jwt).");
        }

        output.WriteLine(DevelopmentTokenIssuer.Issue(options, name, lifetime, time.GetUtcNow()));
        return 0;
    }

    /// <summary>The longest lifetime a development token may have: a year (also keeps its expiry within DateTimeOffset's range).</summary>
    internal static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    private static bool IsSetting(string arg) => arg.StartsWith('-') || arg.StartsWith('/') || arg.Contains('=', StringComparison.Ordinal);

    private static bool TryParseLifetime(string text, out TimeSpan lifetime)
    {
        lifetime = default;
        if (text.Length > 1 && char.IsAsciiLetter(text[^1]) && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            // In seconds first: a count of days past TimeSpan's range would throw, one past MaxLifetime is refused below.
            double seconds = char.ToLowerInvariant(text[^1]) switch
            {
                's' => count,
                'm' => count * 60.0,
                'h' => count * 3600.0,
                'd' => count * 86400.0,
                _ => 0,
            };
            lifetime = seconds <= MaxLifetime.TotalSeconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.MaxValue;
        }
        else if (text.Contains(':', StringComparison.Ordinal))
        {
            TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out lifetime);
        }

        return lifetime > TimeSpan.Zero && lifetime <= MaxLifetime;
    }
}
