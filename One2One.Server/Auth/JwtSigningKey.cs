using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace One2One.Server.Auth;

/// <summary>
/// <c>Auth:Jwt:SigningKey</c> as key bytes: text is taken as its UTF-8 bytes (what most issuers do with a shared
/// secret), <c>base64:...</c> as the bytes it encodes. The same reading serves the server and the <c>token</c> command.
/// </summary>
internal static class JwtSigningKey
{
    public const string Base64Prefix = "base64:";

    /// <summary>HS256 needs a key at least as long as its hash: 256 bits (RFC 7518 §3.2).</summary>
    public const int MinimumBytes = 32;

    public static bool TryRead(string? configured, out byte[] key, out string error)
    {
        key = [];
        error = "";
        if (string.IsNullOrEmpty(configured))
        {
            error = "Auth:Jwt:SigningKey is not set.";
            return false;
        }

        if (configured.StartsWith(Base64Prefix, StringComparison.Ordinal))
        {
            try
            {
                key = Convert.FromBase64String(configured[Base64Prefix.Length..]);
            }
            catch (FormatException)
            {
                // The message must not quote the value: it is a secret.
                error = $"Auth:Jwt:SigningKey starts with '{Base64Prefix}' but the rest is not valid base64.";
                return false;
            }
        }
        else
        {
            key = Encoding.UTF8.GetBytes(configured);
        }

        if (key.Length < MinimumBytes)
        {
            error = $"Auth:Jwt:SigningKey is {key.Length} bytes long; HMAC-SHA256 needs at least {MinimumBytes} "
                + $"(e.g. '{Base64Prefix}' followed by the output of 'openssl rand -base64 32').";
            return false;
        }

        return true;
    }

    public static SymmetricSecurityKey Read(string? configured) =>
        TryRead(configured, out var key, out var error) ? new SymmetricSecurityKey(key) : throw new InvalidOperationException(error);
}
