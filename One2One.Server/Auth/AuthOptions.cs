namespace One2One.Server.Auth;

/// <summary>The <c>Auth</c> section: who may use the signaling hub, and under which name.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public AuthMode Mode { get; set; } = AuthMode.None;

    /// <summary>
    /// The token claim whose value is the only name its holder may register: one that identifies a user uniquely and that
    /// users cannot change. Required with <see cref="JwtAuthOptions.Authority"/> (an identity provider's <c>name</c> is a
    /// display name, which is neither); <see cref="DefaultNameClaim"/> for self-issued tokens when not set.
    /// </summary>
    public string? NameClaim { get; set; }

    /// <summary>The claim self-issued tokens carry the name in when <see cref="NameClaim"/> is not set.</summary>
    public const string DefaultNameClaim = "name";

    /// <summary><see cref="NameClaim"/>, or <see cref="DefaultNameClaim"/>.</summary>
    public string EffectiveNameClaim => NameClaim ?? DefaultNameClaim;

    public JwtAuthOptions Jwt { get; set; } = new();
}

/// <summary>
/// <c>Auth:Jwt</c>: either an OpenID Connect <see cref="Authority"/> (its signing keys come from discovery) or a
/// symmetric <see cref="SigningKey"/> for tokens this deployment issues itself (the <c>token</c> command).
/// </summary>
public sealed class JwtAuthOptions
{
    /// <summary>The OpenID Connect issuer, e.g. https://login.example.com/realms/one2one.</summary>
    public string? Authority { get; set; }

    /// <summary>The <c>aud</c> a token must carry. Required with an <see cref="Authority"/>; <c>one2one</c> for self-issued tokens when not set.</summary>
    public string? Audience { get; set; }

    /// <summary>The <c>iss</c> of self-issued tokens (with <see cref="SigningKey"/>); <c>one2one</c> when not set.</summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// The HMAC-SHA256 key of self-issued tokens: text (its UTF-8 bytes), or <c>base64:</c> followed by base64. At
    /// least 32 bytes (RFC 7518 §3.2). A secret: never logged.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Discovery over HTTPS only; turn off for a local identity provider in development.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>How far a token's times may be off from this server's clock.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a token made by the <c>token</c> command is valid, unless the command says otherwise.</summary>
    public TimeSpan DevelopmentTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    internal const string SelfIssuedDefault = "one2one";

    internal string SelfIssuedIssuer => string.IsNullOrWhiteSpace(Issuer) ? SelfIssuedDefault : Issuer;

    internal string SelfIssuedAudience => string.IsNullOrWhiteSpace(Audience) ? SelfIssuedDefault : Audience;
}
