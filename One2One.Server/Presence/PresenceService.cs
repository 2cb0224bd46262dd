using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using One2One.Server.Calls;
using One2One.Server.Cluster;
using One2One.Server.Contracts;

namespace One2One.Server.Presence;

/// <summary>
/// Who is online, for the pages' list of names: a registering page gets a snapshot of the other registered names
/// (OnlineUsers, at most Presence:MaxListed), then the names that came and went (PresenceChanged).
/// Only registered pages are told, and only names: nothing about addresses or calls. In a cluster the list is the whole
/// cluster's: each node tells the others of its joins and leaves (their <see cref="INodePresence"/>, a snapshot first, then
/// every change in order), and forgets a node's names when the node dies (see <see cref="PresencePeering"/>).
/// </summary>
/// <remarks>
/// <see cref="_gate"/> owns <see cref="_listed"/>, <see cref="_listedNames"/>, <see cref="_feed"/> and
/// <see cref="_peers"/>, each peer's backlog included. A join or leave goes into the node's <see cref="PresenceFeed"/>, and
/// each listed page has at most one delivery waiting in its outbox, which takes what the feed holds for the page when the
/// outbox gets to it: the latest change of each name since the page's place, or a new snapshot when the page fell further
/// behind than the feed holds. So every page sees its snapshot before any change, and its list ends as the node's does,
/// but a page that reads slowly hears one message per name that changed, not one per change, and however many names come
/// and go, presence holds one slot of its outbox (Limits:OutboxCapacity), never fills it. A join or leave still wakes every
/// listed page (O(N) under the gate, no allocation for a page already due a delivery) and costs one message per other
/// node. A name moving between nodes (a page resuming elsewhere) is moved, not reported offline and online again: its old
/// node says where it went before the old connection closes.
/// </remarks>
internal sealed class PresenceService
{
    private readonly PresenceOptions _options;
    private readonly ILocalSiloDetails _silo;
    private readonly ILogger<PresenceService> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Listing> _listed = new(StringComparer.Ordinal);
    private readonly PresenceFeed _feed;

    // How many listed connections carry each name (a page and its resumed successor may overlap for a moment).
    private readonly Dictionary<string, int> _listedNames = new(UserName.Comparer);
    private readonly Dictionary<SiloAddress, Peer> _peers = [];

    // Names whose page is moving here from another node (it said so): their registration here is not news to anyone.
    private readonly HashSet<string> _movingHere = new(UserName.Comparer);

    public PresenceService(IOptions<PresenceOptions> options, ILocalSiloDetails silo, CallService calls, ILogger<PresenceService> logger)
    {
        _options = options.Value;
        _feed = new PresenceFeed(_options.FeedCapacity);
        _silo = silo;
        _logger = logger;
        calls.RegistrationMovedAway += MovedAway;
        calls.RegistrationTakenOver += TakenOver;
    }

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
            var listing = new Listing(user);
            if (user.IsGone || !_listed.TryAdd(user.ConnectionId, listing))
            {
                return;
            }

            _listedNames[user.Name] = _listedNames.GetValueOrDefault(user.Name) + 1;
            var change = new PresenceChange(user.Name, Online: true);
            if (!_movingHere.Remove(user.Name))
            {
                PostToListed(change);
            }
            else
            {
                Wake(listing);
            }

            TellPeers(change);
        }
    }

    /// <summary>The connection closed: if its name was listed, everyone still listed is told it went offline.</summary>
    public void Leave(string connectionId)
    {
        lock (_gate)
        {
            if (!Unlist(connectionId, out var user))
            {
                return;
            }

            if (IsListedHere(user.Name))
            {
                // Another connection on this node holds the name (a page that came back before its old connection closed):
                // nobody is told anything, here or on the other nodes.
                return;
            }

            var change = new PresenceChange(user.Name, Online: false);
            TellPeers(change);
            if (!IsListedByPeer(user.Name, except: null))
            {
                PostToListed(change);
            }
        }
    }

    /// <summary>
    /// The page's new connection took its registration over from <paramref name="previous"/>, which is about to close: the
    /// name stays listed, as the new connection's, and nobody is told anything. The new page gets its list (after its
    /// acceptance); the hub's <see cref="Join"/> that follows finds it listed already.
    /// </summary>
    public void TakenOver(string previous, User user)
    {
        if (!_options.Enabled)
        {
            return;
        }

        lock (_gate)
        {
            if (!_listed.Remove(previous, out var old))
            {
                return;
            }

            // One connection out, one in: the name's count is unchanged.
            var listing = new Listing(user);
            if (user.IsGone || !_listed.TryAdd(user.ConnectionId, listing))
            {
                _listed.Add(previous, old);
                return;
            }

            Wake(listing);
        }
    }

    /// <summary>
    /// The page's registration moved to <paramref name="to"/> (it resumed there) and its connection here is about to close:
    /// its name stays online, listed from now on as <paramref name="to"/>'s, and nobody is told it left.
    /// </summary>
    public void MovedAway(string connectionId, SiloAddress to)
    {
        lock (_gate)
        {
            if (!Unlist(connectionId, out var user))
            {
                return;
            }

            if (!to.Equals(_silo.SiloAddress))
            {
                PeerOf(to).Names.Add(user.Name);
            }

            foreach (var peer in _peers.Values)
            {
                Send(peer, l => l.Moved(_silo.SiloAddress, user.Name, to));
            }
        }
    }

    // ---------------- between nodes ----------------

    /// <summary>
    /// Another node takes part in presence: from now on it hears this node's joins and leaves, starting with the names
    /// listed here now. Connecting again (both nodes asked at once) sends the snapshot again, which is harmless.
    /// </summary>
    public void Connect(SiloAddress node, INodePresence link)
    {
        if (!_options.Enabled)
        {
            return;
        }

        lock (_gate)
        {
            var peer = PeerOf(node);
            peer.Connect(link);
            Send(peer, SnapshotForPeers());
        }
    }

    /// <summary>The names listed on <paramref name="node"/> now: the pages here hear of those that came and went.</summary>
    public void ApplySnapshot(SiloAddress node, IReadOnlyCollection<string> names)
    {
        lock (_gate)
        {
            var peer = PeerOf(node);
            var now = new HashSet<string>(names, UserName.Comparer);
            foreach (var gone in peer.Names.Where(n => !now.Contains(n)).ToList())
            {
                peer.Names.Remove(gone);
                PostOfflineUnlessListed(gone, peer);
            }

            foreach (var name in now)
            {
                if (peer.Names.Add(name) && !IsListedHere(name) && !IsListedByPeer(name, except: peer))
                {
                    PostToListed(new PresenceChange(name, Online: true));
                }
            }
        }
    }

    /// <summary>A name came or went on <paramref name="node"/>.</summary>
    public void ApplyChange(SiloAddress node, string name, bool online)
    {
        lock (_gate)
        {
            var peer = PeerOf(node);
            if (online)
            {
                if (peer.Names.Add(name) && !IsListedHere(name) && !IsListedByPeer(name, except: peer))
                {
                    PostToListed(new PresenceChange(name, Online: true));
                }
            }
            else if (peer.Names.Remove(name))
            {
                PostOfflineUnlessListed(name, peer);
            }
        }
    }

    /// <summary>A name's page moved from <paramref name="node"/> to <paramref name="to"/>: still online, nobody is told.</summary>
    public void ApplyMove(SiloAddress node, string name, SiloAddress to)
    {
        lock (_gate)
        {
            PeerOf(node).Names.Remove(name);
            if (!to.Equals(_silo.SiloAddress))
            {
                PeerOf(to).Names.Add(name);
            }
            else if (!IsListedHere(name))
            {
                _movingHere.Add(name);
            }
        }
    }

    /// <summary><paramref name="node"/> died: its names went offline with it.</summary>
    public void Disconnect(SiloAddress node)
    {
        lock (_gate)
        {
            if (!_peers.Remove(node, out var peer))
            {
                return;
            }

            peer.Backlog.Clear();

            foreach (var name in peer.Names)
            {
                PostOfflineUnlessListed(name, peer);
            }
        }
    }

    private IEnumerable<string> ListedNames()
    {
        foreach (var name in _listedNames.Keys)
        {
            yield return name;
        }

        // Only the peers' names need a set: the local ones are already unique and looked up in _listedNames.
        var seen = new HashSet<string>(UserName.Comparer);
        foreach (var peer in _peers.Values)
        {
            foreach (var name in peer.Names)
            {
                if (!_listedNames.ContainsKey(name) && seen.Add(name))
                {
                    yield return name;
                }
            }
        }
    }

    private void PostOfflineUnlessListed(string name, Peer from)
    {
        if (!IsListedHere(name) && !IsListedByPeer(name, except: from))
        {
            _movingHere.Remove(name);
            PostToListed(new PresenceChange(name, Online: false));
        }
    }

    private bool IsListedHere(string name) => _listedNames.ContainsKey(name);

    private bool Unlist(string connectionId, [NotNullWhen(true)] out User? user)
    {
        if (!_listed.Remove(connectionId, out var listing))
        {
            user = null;
            return false;
        }

        user = listing.User;

        if (_listedNames[user.Name] is var count and > 1)
        {
            _listedNames[user.Name] = count - 1;
        }
        else
        {
            _listedNames.Remove(user.Name);
        }

        return true;
    }

    private bool IsListedByPeer(string name, Peer? except) => _peers.Values.Any(p => !ReferenceEquals(p, except) && p.Names.Contains(name));

    /// <summary>Adds the change to the feed and wakes every listed page that is not already due to read it.</summary>
    private void PostToListed(PresenceChange change)
    {
        _feed.Add(change);
        foreach (var listing in _listed.Values)
        {
            Wake(listing);
        }
    }

    /// <summary>
    /// Puts one delivery in the page's outbox unless one is already waiting there: it takes, when the outbox gets to it,
    /// whatever the feed holds for the page by then. So a page has at most one delivery waiting (and one being sent).
    /// </summary>
    private void Wake(Listing listing)
    {
        if (listing.DeliveryWaiting)
        {
            return;
        }

        listing.DeliveryWaiting = listing.User.Outbox.Post(client => DeliverAsync(listing, client));
    }

    /// <summary>
    /// Sends the page what it has not heard yet: its snapshot when it has none (it just registered) or fell further behind
    /// than the feed holds, else the latest change of each name since its place. Runs on the page's outbox, in order
    /// with its other messages.
    /// </summary>
    private async Task DeliverAsync(Listing listing, IOne2OneClient client)
    {
        OnlineUserList? snapshot = null;
        List<PresenceChange> changes;
        lock (_gate)
        {
            listing.DeliveryWaiting = false;
            if (!_listed.TryGetValue(listing.User.ConnectionId, out var current) || !ReferenceEquals(current, listing))
            {
                return;
            }

            if (listing.Place is not { } place || !_feed.Holds(place))
            {
                snapshot = SnapshotFor(listing.User.Name);
                changes = [];
            }
            else
            {
                changes = _feed.Since(place, except: listing.User.Name);
            }

            listing.Place = _feed.Head;
        }

        if (snapshot is not null)
        {
            await client.OnlineUsers(snapshot).ConfigureAwait(false);
        }

        foreach (var change in changes)
        {
            await client.PresenceChanged(change).ConfigureAwait(false);
        }
    }

    /// <summary>The names listed here and on the other nodes but <paramref name="name"/>, at most Presence:MaxListed. Under the gate.</summary>
    private OnlineUserList SnapshotFor(string name)
    {
        var names = new List<string>(Math.Min(_listedNames.Count, _options.MaxListed));
        var others = 0;
        foreach (var listed in ListedNames())
        {
            if (UserName.Comparer.Equals(listed, name))
            {
                continue;
            }

            others++;
            if (names.Count < _options.MaxListed)
            {
                names.Add(listed);
            }
        }

        return new OnlineUserList(names, Truncated: names.Count < others);
    }

    private void TellPeers(PresenceChange change)
    {
        foreach (var peer in _peers.Values)
        {
            Send(peer, l => l.Changed(_silo.SiloAddress, change.Name, change.Online));
        }
    }

    /// <summary>
    /// Sends to a peer after whatever was sent to it before; a peer out of reach is logged (its death is handled apart).
    /// A peer that falls <see cref="PresenceOptions.PeerBacklog"/> sends behind (it stalls without dying) gets one snapshot
    /// of the names listed here now in place of all it missed: what waits for it stays bounded, and it catches up on
    /// what is, not on what happened. Under <see cref="_gate"/>.
    /// </summary>
    private void Send(Peer peer, Func<INodePresence, Task> send)
    {
        if (peer.Link is null)
        {
            return;
        }

        if (peer.Backlog.Count >= _options.PeerBacklog)
        {
            PresenceLog.PeerBehind(_logger, peer.Backlog.Count);
            peer.Backlog.Clear();
            send = SnapshotForPeers();
        }

        peer.Backlog.Enqueue(send);
        if (!peer.Sending)
        {
            peer.Sending = true;
            _ = SendBacklogAsync(peer);
        }
    }

    /// <summary>The names listed here now, as a message to a peer.</summary>
    private Func<INodePresence, Task> SnapshotForPeers()
    {
        string[] names = [.. _listedNames.Keys];
        var self = _silo.SiloAddress;
        return l => l.Snapshot(self, names);
    }

    /// <summary>Sends the peer's backlog, one message after another, until it is empty (one loop per peer at a time).</summary>
    private async Task SendBacklogAsync(Peer peer)
    {
        // Started under the gate: the sends run after the caller has left it.
        await Task.Yield();
        while (true)
        {
            Func<INodePresence, Task> next;
            INodePresence link;
            lock (_gate)
            {
                if (peer.Link is not { } connected || !peer.Backlog.TryDequeue(out var queued))
                {
                    peer.Sending = false;
                    return;
                }

                next = queued;
                link = connected;
            }

            try
            {
                await next(link).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                PresenceLog.PeerUnreachable(_logger, ex.Message);
            }
        }
    }

    /// <summary>How many messages wait to be sent to <paramref name="node"/> (for tests and diagnostics).</summary>
    internal int BacklogTo(SiloAddress node)
    {
        lock (_gate)
        {
            return _peers.TryGetValue(node, out var peer) ? peer.Backlog.Count : 0;
        }
    }

    private Peer PeerOf(SiloAddress node)
    {
        if (!_peers.TryGetValue(node, out var peer))
        {
            peer = new Peer();
            _peers[node] = peer;
        }

        return peer;
    }

    /// <summary>
    /// A listed page: its place in the feed (null until its snapshot is sent) and whether a delivery waits in its outbox.
    /// Guarded by <see cref="_gate"/>.
    /// </summary>
    private sealed class Listing(User user)
    {
        public User User { get; } = user;

        public long? Place { get; set; }

        public bool DeliveryWaiting { get; set; }
    }

    /// <summary>Another node: the names it lists, and how to tell it this node's changes (in order). Guarded by <see cref="_gate"/>.</summary>
    private sealed class Peer
    {
        public HashSet<string> Names { get; } = new(UserName.Comparer);

        public INodePresence? Link { get; private set; }

        /// <summary>
        /// What is still to be sent to the peer, in order, for the peer's whole life (what is sent after a second connect
        /// still follows what came before); one loop sends it while <see cref="Sending"/>.
        /// </summary>
        public Queue<Func<INodePresence, Task>> Backlog { get; } = new();

        public bool Sending { get; set; }

        public void Connect(INodePresence link) => Link = link;
    }
}

internal static partial class PresenceLog
{
    [LoggerMessage(EventId = 250, EventName = "PresencePeerUnreachable", Level = LogLevel.Debug, Message = "A presence change could not reach another node: {Error}")]
    public static partial void PeerUnreachable(ILogger logger, string error);

    [LoggerMessage(EventId = 252, EventName = "PresencePeerBehind", Level = LogLevel.Warning, Message = "Another node fell {Count} presence changes behind; it gets one snapshot of the names here instead")]
    public static partial void PeerBehind(ILogger logger, int count);

    [LoggerMessage(EventId = 251, EventName = "PresenceJoinFailed", Level = LogLevel.Warning, Message = "Joining the cluster's presence failed ({Error}); trying again")]
    public static partial void JoinFailed(ILogger logger, string error);
}
