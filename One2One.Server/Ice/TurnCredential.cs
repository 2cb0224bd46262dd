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
        var username = string.Create(CultureInfo.InvariantCulture, $"{expiresAt.ToUnixTimeSeconds()}:{Escape(name)}");
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(sharedSecret), Encoding.UTF8.GetBytes(username));
        return new TurnCredential(username, Convert.ToBase64String(mac), DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()));
    }

    /// <summary>
    /// The name as a TURN user name may carry it. coturn refuses (400 "wrong username") a user name with a space, a tab, a
    /// quote, an apostrophe or a backslash, or with both "union" and "select" in it (its <c>is_secure_string</c>), all of
    /// which a registered name may have ("Alice Smith", "O'Brien"): each of those characters, and '%' itself, is written
    /// as %XX (as in a URI), and if both words remain, every 'u' too. Other characters, any script, go as they are (UTF-8),
    /// so the user name stays readable in the TURN server's logs and within STUN's 513 bytes.
    /// </summary>
    internal static string Escape(string name)
    {
        var escaped = EscapeWhere(name, static c => c is ' ' or '\t' or '"' or '\'' or '\\' or '%');
        return escaped.Contains("union", StringComparison.OrdinalIgnoreCase) && escaped.Contains("select", StringComparison.OrdinalIgnoreCase)
            ? EscapeWhere(escaped, static c => c is 'u' or 'U')
            : escaped;
    }

    private static string EscapeWhere(string text, Func<char, bool> escape)
    {
        if (!text.Any(escape))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (escape(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>The user name and expiry only: a credential is a password and must never reach a log.</summary>
    public override string ToString() => $"TurnCredential {{ Username = {Username}, ExpiresAt = {ExpiresAt:O} }}";
}
