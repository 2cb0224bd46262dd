using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace One2One.Tests.Support;

/// <summary>
/// JWTs for servers in Jwt mode, made here with the IdentityModel handler (not with the server's own issuer, which the
/// <c>token</c> command tests check separately), so a test can also make the wrong ones: another key, expired, no name.
/// </summary>
public static class TestTokens
{
    /// <summary>The key the Jwt-mode test servers check tokens with (text, so its UTF-8 bytes).</summary>
    public const string SigningKey = "one2one-tests-signing-key-0123456789abcdef";

    public const string OtherKey = "somebody-else-s-signing-key-0123456789abcdef";

    /// <summary>A server that requires tokens signed with <see cref="SigningKey"/> (issuer and audience left at their defaults).</summary>
    public static One2OneServerFactory WithJwt(this One2OneServerFactory server, string signingKey = SigningKey) =>
        server.WithSetting("Auth:Mode", "Jwt").WithSetting("Auth:Jwt:SigningKey", signingKey);

    public static string For(
        string? name,
        string key = SigningKey,
        TimeSpan? expiresIn = null,
        string nameClaim = "name",
        string issuer = "one2one",
        string audience = "one2one")
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(10));
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [JwtRegisteredClaimNames.Sub] = name ?? "nobody" };
        if (name is not null)
        {
            claims[nameClaim] = name;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
