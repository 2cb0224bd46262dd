using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace One2One.Server.Calls;

/// <summary>
/// Resume tokens: 256 random bits (base64url) issued with each registration, each naming one user. A token is good only
/// while its user is registered (mostly: detached, its connection lost, within <see cref="CallOptions.ReconnectWindow"/>), once:
/// a resume issues the next one. Thread-safe.
/// </summary>
internal sealed class ResumeTokens
{
    private readonly ConcurrentDictionary<string, User> _owners = new(StringComparer.Ordinal);

    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Constant-time, so a guesser learns nothing from how long a refusal takes.</summary>
    public static bool Matches(string expected, string presented) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));

    public void Add(User user) => _owners[user.ResumeToken] = user;

    /// <summary>The user the token was issued to, while it is still good for something.</summary>
    public User? OwnerOf(string token) => _owners.TryGetValue(token, out var user) ? user : null;

    public void Remove(string token, User user) => _owners.TryRemove(new KeyValuePair<string, User>(token, user));
}
