using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace One2One.Server.Ice;

/// <summary>
/// A time-limited TURN credential in the scheme coturn checks with <c>use-auth-secret</c> (the "TURN REST API",
/// draft-uberti-behave-turn-rest-00 §2.2): the user name is <c>&lt;unix expiry&gt;:&lt;name&gt;</c> and the password is
/// <c>base64(HMAC-SHA1(secret, username))</c>. The TURN server recomputes the password from its copy of the secret and
/// refuses a user name whose time has passed, so nothing is stored anywhere.
/// </summary>
internal readonly record struct TurnCredential(string Username, string Credential, DateTimeOffset ExpiresAt)
{
    public static TurnCredential Mint(string sharedSecret, string name, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(sharedSecret);
        ArgumentNullException.ThrowIfNull(name);
        var username = string.Create(CultureInfo.InvariantCulture, $"{expiresAt.ToUnixTimeSeconds()}:{name}");
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(sharedSecret), Encoding.UTF8.GetBytes(username));
        return new TurnCredential(username, Convert.ToBase64String(mac), DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()));
    }

    /// <summary>The user name and expiry only: a credential is a password and must never reach a log.</summary>
    public override string ToString() => $"TurnCredential {{ Username = {Username}, ExpiresAt = {ExpiresAt:O} }}";
}
