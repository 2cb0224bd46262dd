using One2One.Server.Calls;
using One2One.Server.Contracts;

namespace One2One.Server.Presence;

/// <summary>
/// Every join and leave this node's pages are to hear, numbered in the order they happened; the newest
/// <see cref="Capacity"/> are kept, shared by all pages. A page is not given a message per change: it keeps its place in
/// the feed (a number) and, when it is ready for more, takes what came since, one change per name (the latest). A page
/// that falls further behind than the feed holds is given a new snapshot instead. So what a page that reads slowly (or
/// not at all) holds on the server stays the same however many names come and go, and a burst of joins (a node's pages
/// all coming back at once) costs each page one message per name, not one per change.
/// </summary>
/// <remarks>Not thread-safe: guarded by <see cref="PresenceService"/>'s gate.</remarks>
internal sealed class PresenceFeed
{
    /// <summary>How many changes a node's feed keeps (a few hundred kilobytes at most, for the whole node).</summary>
    public const int DefaultCapacity = 4096;

    private readonly PresenceChange[] _changes;

    public PresenceFeed(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _changes = new PresenceChange[capacity];
    }

    /// <summary>How many changes the feed keeps.</summary>
    public int Capacity => _changes.Length;

    /// <summary>How many changes were ever added: the place of the next one.</summary>
    public long Head { get; private set; }

    public void Add(PresenceChange change)
    {
        _changes[Head % Capacity] = change;
        Head++;
    }

    /// <summary>Whether the feed still holds every change from place <paramref name="from"/> on.</summary>
    public bool Holds(long from) => Head - from <= Capacity;

    /// <summary>
    /// The changes from place <paramref name="from"/> on (which the feed <see cref="Holds"/>), the latest of each name only,
    /// in the order of those latest changes, leaving out <paramref name="except"/> (the page's own name).
    /// </summary>
    public List<PresenceChange> Since(long from, string except)
    {
        var latest = new List<PresenceChange>((int)Math.Min(Head - from, 64));
        var seen = new HashSet<string>(UserName.Comparer) { except };
        for (var place = Head - 1; place >= from; place--)
        {
            var change = _changes[place % Capacity];
            if (seen.Add(change.Name))
            {
                latest.Add(change);
            }
        }

        latest.Reverse();
        return latest;
    }
}
