using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace One2One.Server.Auth;

/// <summary>Signs tokens the hub accepts in self-issued mode (<c>Auth:Jwt:SigningKey</c>): for development and tests.</summary>
internal static class DevelopmentTokenIssuer
{
    /// <summary>A token for <paramref name="name"/>, valid from now for <paramref name="lifetime"/>.</summary>
    public static string Issue(AuthOptions options, string name, TimeSpan lifetime, DateTimeOffset now)
    {
        var jwt = options.Jwt;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = jwt.SelfIssuedIssuer,
            Audience = jwt.SelfIssuedAudience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = name,
                [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                [options.EffectiveNameClaim] = name,
            },
            SigningCredentials = new SigningCredentials(JwtSigningKey.Read(jwt.SigningKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
