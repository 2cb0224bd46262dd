using Microsoft.Extensions.Options;
using One2One.Server.Calls;
using One2One.Server.Contracts;

namespace One2One.Server.Presence;

/// <summary>
/// Who is online, for the pages' list of names: a registering page gets a snapshot of the other registered names
/// (OnlineUsers, at most Presence:MaxListed), and every listed page a delta (PresenceChanged) for each join and leave.
/// Only registered pages are told, and only names: nothing about addresses or calls.
/// </summary>
/// <remarks>
/// <see cref="_gate"/> owns <see cref="_listed"/>. Join and Leave post under it, through each user's outbox, so every
/// page sees its snapshot before any delta and the deltas in the order they happened. A join or leave costs one
/// message per listed page (O(N)); the outbox bounds what an unread page may queue (Limits:OutboxCapacity).
/// </remarks>
internal sealed class PresenceService(IOptions<PresenceOptions> options)
{
    private readonly PresenceOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, User> _listed = new(StringComparer.Ordinal);

    public bool Enabled => _options.Enabled;

    /// <summary>The user registered: it gets the snapshot, everyone listed gets told. Idempotent (a repeated Register).</summary>
    public void Join(User user)
    {
        if (!_options.Enabled)
        {
            return;
        }

        lock (_gate)
        {
            if (user.IsGone || !_listed.TryAdd(user.ConnectionId, user))
            {
                return;
            }

            var names = new List<string>(Math.Min(_listed.Count - 1, _options.MaxListed));
            var change = new PresenceChange(user.Name, Online: true);
            foreach (var other in _listed.Values)
            {
                if (ReferenceEquals(other, user))
                {
                    continue;
                }

                if (names.Count < _options.MaxListed)
                {
                    names.Add(other.Name);
                }

                other.Outbox.Post(c => c.PresenceChanged(change));
            }

            var snapshot = new OnlineUserList(names, Truncated: names.Count < _listed.Count - 1);
            user.Outbox.Post(c => c.OnlineUsers(snapshot));
        }
    }

    /// <summary>The connection closed: if its name was listed, everyone still listed is told it went offline.</summary>
    public void Leave(string connectionId)
    {
        lock (_gate)
        {
            if (!_listed.Remove(connectionId, out var user))
            {
                return;
            }

            var change = new PresenceChange(user.Name, Online: false);
            foreach (var other in _listed.Values)
            {
                other.Outbox.Post(c => c.PresenceChanged(change));
            }
        }
    }
}
