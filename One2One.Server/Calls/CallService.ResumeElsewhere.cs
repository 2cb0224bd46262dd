using System.Collections.Concurrent;
using One2One.Server.Cluster;
using One2One.Server.Contracts;
using One2One.Server.Limits;

namespace One2One.Server.Calls;

/// <summary>
/// Resuming on any node: a page whose token this node does not hold asks the node holding its name (the claim says which)
/// to give the registration up. That node checks the token and lets the registration go; a call keeps living where it
/// lives (on that node, which then holds a stand-in for the page here, or on a third node, asked in turn), and this node
/// takes the registration, with the same id, and the call's slot as a <see cref="RemoteCall"/>.
/// </summary>
/// <remarks>
/// Callbacks the call's home sends in the moment between giving the registration up and this node taking it are kept
/// (<see cref="Arrival"/>) and handed to the page after its acceptance, in order. A second resume of the same name while
/// one is on its way is refused as expired (the page registers again).
/// </remarks>
internal sealed partial class CallService
{
    private async Task<RegisterResponse?> ResumeFromElsewhereAsync(string connectionId, string name, string token, ClientAddress address)
    {
        // What the call's home sends the page from the moment its holder lets it go is kept until it is registered here.
        var arrival = new Arrival();
        var key = NameClaims.KeyOf(name);
        if (!_arrivals.TryAdd(key, arrival))
        {
            return ResumeExpired();
        }

        try
        {
            return await MoveRegistrationHereAsync(connectionId, name, token, address, arrival).ConfigureAwait(false);
        }
        finally
        {
            arrival.Abandon();
            _arrivals.TryRemove(new KeyValuePair<string, Arrival>(key, arrival));
        }
    }

    private async Task<RegisterResponse?> MoveRegistrationHereAsync(string connectionId, string name, string token, ClientAddress address, Arrival arrival)
    {
        var nextToken = ResumeTokens.NewToken();
        var nextKey = ResumeTokens.KeyOf(nextToken);
        NameClaim? claim;
        MovedRegistration? moved;
        try
        {
            claim = await _names.HeldElsewhereAsync(name).ConfigureAwait(false);
            if (claim?.Link is null)
            {
                return await HeldByNoLiveNodeAsync(name).ConfigureAwait(false);
            }

            moved = await MoveRegistrationFromAsync(claim.Link, name, token, nextKey).ConfigureAwait(false);
            if (moved is { AskHome: true, Home: { } home })
            {
                moved = await MoveRegistrationFromAsync(home, name, token, nextKey).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The holder is out of reach (dying): the page asks again. Once the cluster has declared it dead, another node
            // holds the page's place if it was in a call (taken over), or nobody does and the page registers afresh.
            RemoteLog.RequestFailed(_logger, "-", name, ex);
            return _rejections.Registration(Reasons.Unavailable, "The server that held your registration cannot be reached right now; try again in a moment.");
        }

        if (moved is null || moved.AskHome)
        {
            return ResumeExpired();
        }

        // As a resume here: the person is not locked out of their own name by a full quota (the place is best effort).
        _limits.TryHoldRegistration(connectionId, address, out _);
        var outbox = _connections.OpenOutbox(connectionId);
        var user = new User(claim.Name, connectionId, outbox, nextKey, Guid.ParseExact(moved.Registration, "N"));
        if (moved is { CallId: { } callId, Peer: { } peer, Home: { } callHome, HomeNode: { } homeNode })
        {
            // A resumed page offers again (Renegotiate) and is answered by the call's home: it is in the call, answered.
            var resumed = new RemoteCall(new CallMember(callId, claim.Name, moved.Registration), peer, callHome, homeNode);
            resumed.MarkAnswered();
            user.TryJoin(resumed);
        }

        // The acceptance first, then the name published: anything for this page (an incoming call) follows it.
        var acceptance = Acceptance(user, nextToken, moved.Peer);
        outbox.Post(c => c.RegisterResponse(acceptance));
        if (!_users.TryAdd(user))
        {
            user.MarkGone();
            _limits.ReleaseRegistration(connectionId);
            return ResumeExpired();
        }

        _resumeTokens.Add(user);
        arrival.Complete(DeliverHere);

        // The claim moves here before the page hears it is back, so a call to it from anywhere finds it here. The name's
        // grain answered a moment ago; should it not now, the move goes on in the background.
        var member = new CallMember(moved.CallId ?? "-", user.Name, moved.Registration);
        try
        {
            await _names.TryClaimAsync(user.Name, user.RegistrationId, Link).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RemoteLog.ClaimMoveRetried(_logger, user.Name, ex.Message);
            _ = MoveClaimHereAsync(user, member, oldNode: null);
        }

        outbox.Start();
        CallsLog.Resumed(_logger, user.Name, connectionId);
        return null;
    }

    /// <summary>
    /// Asks <paramref name="holder"/> to give the registration up, once more if the first ask fails: its answer may have
    /// been lost after the holder let the registration go, and the holder answers the same ask (the same
    /// <paramref name="nextKey"/>) the same way (see <see cref="_recentMoves"/>); the page's token is no longer good there.
    /// </summary>
    private async Task<MovedRegistration?> MoveRegistrationFromAsync(INodeLink holder, string name, string token, string nextKey)
    {
        Task<MovedRegistration?> Ask() => holder.MoveRegistration(name, token, nextKey, Link, _names.Node);
        try
        {
            return await Ask().ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            // No answer in time: lost on its way there (nothing done) or back (done). Any other failure is the page's to retry.
            RemoteLog.RequestFailed(_logger, "-", name, ex);
        }

        await Task.Delay(_options.CurrentValue.DeliveryRetryDelays.FirstOrDefault(), _time).ConfigureAwait(false);
        return await Ask().ConfigureAwait(false);
    }

    /// <summary>
    /// Registrations this node gave up lately, by the key the page's new node chose for the page's next token: that node
    /// asks again when the answer was lost (<see cref="MoveRegistrationFromAsync"/>), and gets the same answer. Without it
    /// the registration would be gone here and nowhere else, its name still claimed by this node: taken by nobody. Kept
    /// for <see cref="RecentMoveLifetime"/>.
    /// </summary>
    private readonly ConcurrentDictionary<string, RecentMove> _recentMoves = new(StringComparer.Ordinal);

    private static readonly TimeSpan RecentMoveLifetime = TimeSpan.FromMinutes(1);

    private sealed record RecentMove(string TokenKey, string Name, MovedRegistration Answer, long At);

    private MovedRegistration Remember(string nextKey, string token, string name, MovedRegistration answer)
    {
        foreach (var (key, move) in _recentMoves)
        {
            if (_time.GetElapsedTime(move.At) > RecentMoveLifetime)
            {
                _recentMoves.TryRemove(new KeyValuePair<string, RecentMove>(key, move));
            }
        }

        _recentMoves[nextKey] = new RecentMove(ResumeTokens.KeyOf(token), name, answer, _time.GetTimestamp());
        return answer;
    }

    /// <summary>
    /// No live node holds the name the page resumes. If a node that held it died lately (within the reconnect window), a
    /// node may be taking its call over and about to hold the page's place (this one, still at it, or another): the page
    /// hears <c>unavailable</c> and asks again. Otherwise its registration is gone.
    /// </summary>
    private async Task<RegisterResponse> HeldByNoLiveNodeAsync(string name)
    {
        if (!_records.IsEnabled)
        {
            return ResumeExpired();
        }

        if (Volatile.Read(ref _takingOver).IsCompleted
            && (await _names.LastClaimAsync(name).ConfigureAwait(false) is not { } last || last.Node.Equals(_names.Node)
                || !_nodeDeaths.DiedWithin(last.Node, _options.CurrentValue.ReconnectWindow)))
        {
            return ResumeExpired();
        }

        return _rejections.Registration(Reasons.Unavailable, "The server that held your registration has gone and its calls are being taken over; try again in a moment.");
    }

    /// <summary>
    /// A page that resumed on <paramref name="toNode"/> asks for its registration held here. The token must be good. A user
    /// here in a call living here becomes that call's stand-in for the page there; one in a call living on a third node is let
    /// go and the page told to ask that node; an idle one is let go. A stand-in here is pointed at the page's new node.
    /// </summary>
    internal MovedRegistration? MoveRegistrationAway(string name, string token, string nextKey, INodeLink to, SiloAddress toNode)
    {
        if (_recentMoves.TryGetValue(nextKey, out var recent) && recent.TokenKey == ResumeTokens.KeyOf(token)
            && UserName.Comparer.Equals(recent.Name, name) && _time.GetElapsedTime(recent.At) <= RecentMoveLifetime)
        {
            // Asked again by the page's new node: the answer to the first ask was lost.
            return recent.Answer;
        }

        if (_resumeTokens.OwnerOf(token) is not { } user || !UserName.Comparer.Equals(user.Name, name) || user.IsGone)
        {
            return null;
        }

        if (!user.IsDetached && user.Outbox is not RemoteOutbox)
        {
            // Its old connection here still looks alive (a phone that changed networks, sent to another node): as for a
            // resume here, a call not yet in progress cannot go on with the new page, and ends as a lost connection ends it.
            EndWhatCannotBeResumed(user);
        }

        if (user.CurrentCall is { } call)
        {
            // The call lives here: the user stays in it, reached on its new node from now on.
            var member = new CallMember(call.Id, user.Name, user.RegistrationId);
            var oldOutbox = user.Outbox as RemoteOutbox;
            var connectionId = user.ConnectionId;
            var outbox = NewRemoteOutbox(member, to, toNode);
            if (!user.TryResume(token, "remote:" + call.Id, outbox, nextKey, _ => { }, out var previous))
            {
                return null;
            }

            _resumeTokens.Remove(ResumeTokens.KeyOf(token), user);
            _resumeTokens.Add(user);
            if (oldOutbox is not null)
            {
                // Already a stand-in (the page was on a third node): that node lets go, if it is alive.
                _ = TellNodeAsync(oldOutbox.Member, () => oldOutbox.Link.TakenOver(oldOutbox.Member));
            }
            else
            {
                _users.RemoveName(user);
                _users.Detach(user, connectionId);
                ReleaseBothHolders(user, connectionId);
                if (previous is not null)
                {
                    RegistrationMovedAway?.Invoke(previous, toNode);
                    _connections.Abort(previous, "its registration was resumed on another server");
                }
            }

            // Kept by the page's new node until the page has its acceptance (see Arrival).
            TellIfPeerReconnecting(call, user);
            KeepRecord(call);
            return Remember(nextKey, token, name, new MovedRegistration(user.RegistrationId, call.Id, call.Peer(user).Name, Link, _names.Node));
        }

        if (!ResumeTokens.Matches(user.ResumeKey, token))
        {
            return null;
        }

        var remote = user.RemoteCall;
        LetRegistrationGo(new CallMember(remote?.Id ?? "-", user.Name, user.RegistrationId), toNode);
        return Remember(nextKey, token, name, remote is null
            ? new MovedRegistration(user.RegistrationId)
            : new MovedRegistration(user.RegistrationId, remote.Id, remote.PeerName, AskHome: true, Home: remote.Home, HomeNode: remote.HomeNode));
    }
}
