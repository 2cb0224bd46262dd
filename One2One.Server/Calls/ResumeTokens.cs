using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace One2One.Server.Calls;

/// <summary>
/// Resume tokens: 256 random bits (base64url) issued with each registration, each naming one user. A token is good only
/// while its user is registered (mostly: detached, its connection lost, within <see cref="CallOptions.ReconnectWindow"/>), once:
/// a resume issues the next one. Only the page holds a token: the server keeps its key (<see cref="KeyOf"/>, its SHA-256),
/// so what a call's record keeps in the cluster's storage cannot be presented. Other nodes are told keys, except by a page
/// resuming on a node that does not hold its registration: that node passes the token to the holder to check (node to
/// node, over the silo port, which is why the README keeps that port private). Thread-safe.
/// </summary>
internal sealed class ResumeTokens
{
    private readonly ConcurrentDictionary<string, User> _owners = new(StringComparer.Ordinal);

    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>What the server keeps of a token: its SHA-256, base64url.</summary>
    public static string KeyOf(string token) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether <paramref name="presented"/> is the token of <paramref name="expectedKey"/>; constant-time, so a guesser learns nothing from how long a refusal takes.</summary>
    public static bool Matches(string expectedKey, string presented) =>
        expectedKey.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expectedKey), Encoding.UTF8.GetBytes(KeyOf(presented)));

    public void Add(User user) => _owners[user.ResumeKey] = user;

    /// <summary>The user the token was issued to, while it is still good for something.</summary>
    public User? OwnerOf(string token) => _owners.TryGetValue(KeyOf(token), out var user) ? user : null;

    public void Remove(string key, User user) => _owners.TryRemove(new KeyValuePair<string, User>(key, user));
}
