using System.Collections.Concurrent;

namespace One2One.Server.Calls;

/// <summary>Who is registered under which name, and on which connection. Thread-safe; names are unique regardless of case.</summary>
internal sealed class UserRegistry
{
    private readonly ConcurrentDictionary<string, User> _byName = new(UserName.Comparer);
    private readonly ConcurrentDictionary<string, User> _byConnection = new(StringComparer.Ordinal);

    public int Count => _byConnection.Count;

    /// <summary>Claims the name for the user; false if someone else holds it.</summary>
    public bool TryAdd(User user)
    {
        if (!_byName.TryAdd(user.Name, user))
        {
            return false;
        }

        _byConnection[user.ConnectionId] = user;
        return true;
    }

    public User? FindByName(string name) => _byName.TryGetValue(name, out var user) ? user : null;

    public User? FindByConnection(string connectionId) => _byConnection.TryGetValue(connectionId, out var user) ? user : null;

    /// <summary>Everyone registered here, attached or not.</summary>
    public IEnumerable<User> All() => _byName.Values;

    /// <summary>The users waiting, without a connection, for a resume.</summary>
    public IEnumerable<User> Detached() => _byName.Values.Where(user => user.IsDetached);

    /// <summary>The user no longer answers on <paramref name="connectionId"/> (detached, or taken over by a resume).</summary>
    public void Detach(User user, string connectionId) => _byConnection.TryRemove(new KeyValuePair<string, User>(connectionId, user));

    /// <summary>A resumed user's new connection.</summary>
    public void Attach(User user) => _byConnection[user.ConnectionId] = user;

    /// <summary>Frees the user's name (if the user still holds it).</summary>
    public void RemoveName(User user) => _byName.TryRemove(new KeyValuePair<string, User>(user.Name, user));

    /// <summary>
    /// Frees the connection's name; returns the user it held, if any. A user resumed on another connection meanwhile (the
    /// old one closed as the resume took the user over) keeps the name: only the old connection's entry goes.
    /// </summary>
    public User? Remove(string connectionId)
    {
        if (!_byConnection.TryGetValue(connectionId, out var user))
        {
            return null;
        }

        if (!string.Equals(user.ConnectionId, connectionId, StringComparison.Ordinal))
        {
            Detach(user, connectionId);
            return null;
        }

        if (!_byConnection.TryRemove(new KeyValuePair<string, User>(connectionId, user)))
        {
            return null;
        }

        _byName.TryRemove(new KeyValuePair<string, User>(user.Name, user));
        return user;
    }
}
