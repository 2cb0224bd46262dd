namespace One2One.Server.Calls;

/// <summary>
/// A registered name bound to one SignalR connection. Its call slot is claimed with a compare-and-swap,
/// so a user is in at most one call and "busy" is decided atomically. A user whose connection is lost without a hang-up
/// is held, detached, for <see cref="CallOptions.ReconnectWindow"/>: a page that comes back with its resume token is
/// attached to the same user (and call) on its new connection.
/// </summary>
/// <remarks>Attachment (connection, outbox, resume token, detach timer) is guarded by <see cref="_gate"/>.</remarks>
internal sealed class User(string name, string connectionId, IUserOutbox outbox, string resumeKey = "", Guid? registration = null)
{
    private readonly Lock _gate = new();
    private readonly Guid _registration = registration ?? Guid.NewGuid();
    private object? _slot;
    private volatile bool _gone;
    private volatile Attachment _attachment = new(connectionId, outbox, resumeKey);
    private bool _detached;
    private long _detaches; // detaches so far: names each window, so a window's timer acts only on its own (under _gate)
    private ITimer? _detachTimer;

    public string Name { get; } = name;

    /// <summary>
    /// This registration's id: it holds the name across the cluster, and stays the same when a resume moves it. Made when
    /// asked (to claim or free the name), so an idle user keeps 16 bytes rather than a string.
    /// </summary>
    public string RegistrationId => _registration.ToString("N");

    public string ConnectionId => _attachment.ConnectionId;

    /// <summary>Every message to this user's browser, in order (a new outbox after a resume).</summary>
    public IUserOutbox Outbox => _attachment.Outbox;

    /// <summary>
    /// The key of what a page that lost its connection presents to come back as this user (single use; the token itself only
    /// the page holds, see <see cref="ResumeTokens"/>).
    /// </summary>
    public string ResumeKey => _attachment.ResumeKey;

    /// <summary>The call, homed on this node, this user is ringing in or taking part in, if any.</summary>
    public Call? CurrentCall => Volatile.Read(ref _slot) as Call;

    /// <summary>The call, homed on another node of the cluster, this user is ringing in or taking part in, if any.</summary>
    public RemoteCall? RemoteCall => Volatile.Read(ref _slot) as RemoteCall;

    /// <summary>
    /// The call homed on another node this user last joined (still in it, or left since): what its home sends after the
    /// user left it (the end's notice) still reaches the page while the user is in no other call.
    /// </summary>
    public RemoteCall? LastRemoteCall => Volatile.Read(ref _lastRemoteCall);

    private RemoteCall? _lastRemoteCall;

    /// <summary>In a call, here or homed on another node.</summary>
    public bool IsInACall => Volatile.Read(ref _slot) is not null;

    /// <summary>
    /// A participant on another node, as the home of its call sees it: its messages go to that node
    /// (<see cref="RemoteOutbox"/>), and it has no connection here until its page resumes here.
    /// </summary>
    public bool IsRemote => Outbox is RemoteOutbox;

    /// <summary>True once the connection has closed; a gone user never joins a call again.</summary>
    public bool IsGone => _gone;

    /// <summary>
    /// True while the user waits, without a connection, for a resume: nobody can reach them meanwhile. Read under the gate,
    /// so a detach in progress is seen whole (its call's window already extended).
    /// </summary>
    public bool IsDetached
    {
        get
        {
            lock (_gate)
            {
                return _detached;
            }
        }
    }

    public bool TryJoin(Call call) => !_gone && Interlocked.CompareExchange(ref _slot, call, null) is null;

    /// <summary>Joins a call homed on another node: the same slot, so busy is decided here, atomically, as for a local call.</summary>
    public bool TryJoin(RemoteCall call)
    {
        if (_gone || Interlocked.CompareExchange(ref _slot, call, null) is not null)
        {
            return false;
        }

        Volatile.Write(ref _lastRemoteCall, call);
        return true;
    }

    public void Leave(Call call) => Interlocked.CompareExchange(ref _slot, null, call);

    /// <summary>
    /// The call homed on another node that died is taken over here: the slot goes from <paramref name="remote"/> to
    /// <paramref name="call"/> in one step, so nobody can ring the user in between. False if the user left it meanwhile.
    /// </summary>
    public bool TryMoveHere(RemoteCall remote, Call call) => !_gone && Interlocked.CompareExchange(ref _slot, call, remote) == remote;

    /// <summary>Leaves <paramref name="call"/>; false if the user was no longer in it (it moved to a new home, or ended).</summary>
    public bool Leave(RemoteCall call) => Interlocked.CompareExchange(ref _slot, null, call) == call;

    /// <summary>The call's home died and another node took it over: the slot goes from <paramref name="old"/> to <paramref name="moved"/> in one step. False if the user left it meanwhile.</summary>
    public bool TryMove(RemoteCall old, RemoteCall moved)
    {
        if (_gone || Interlocked.CompareExchange(ref _slot, moved, old) != old)
        {
            return false;
        }

        Volatile.Write(ref _lastRemoteCall, moved);
        return true;
    }

    /// <summary>
    /// A new resume token for the page: a remote participant's page got one on its own node (the call's home keeps its key,
    /// so the page can resume here if its node dies), or a page registered again under its name.
    /// </summary>
    public void ReplaceResumeKey(string key)
    {
        lock (_gate)
        {
            _attachment = _attachment with { ResumeKey = key };
        }
    }

    public void MarkGone()
    {
        lock (_gate)
        {
            _gone = true;
            _detachTimer?.Dispose();
            _detachTimer = null;
            Outbox.Close();
        }
    }

    /// <summary>
    /// <paramref name="connectionId"/> closed without a hang-up: if it is still this user's connection, the outbox closes
    /// and the user waits for a resume. <paramref name="onDetached"/> runs under the gate with the user's call (so no
    /// resume comes between, and <see cref="IsDetached"/> is seen only once it has run) and the window's number, and
    /// starts the window's timer, whose callback passes that number to <see cref="TryExpire"/>.
    /// False when the user is gone, already detached, or has moved on to another connection (a resume took it over
    /// while the old one was closing).
    /// </summary>
    public bool TryDetach(string connectionId, Func<Call?, long, ITimer> onDetached)
    {
        lock (_gate)
        {
            if (_gone || _detached || !string.Equals(ConnectionId, connectionId, StringComparison.Ordinal))
            {
                return false;
            }

            _detached = true;

            // Before CurrentCall is read: a TryJoin racing with this either ends before (and is seen) or sees IsDetached
            // after its compare-and-swap (it waits for this gate), so no call joins a detached user unnoticed.
            Interlocked.MemoryBarrier();
            Outbox.Close();
            _detachTimer = onDetached(CurrentCall, ++_detaches);
            return true;
        }
    }

    /// <summary>
    /// Window <paramref name="window"/> (the number <see cref="TryDetach"/> gave it; null: whichever is open) closed without
    /// a resume: the user is gone. False if it was resumed (or gone) meanwhile, or if this is an older window's timer: one
    /// that fired as the page resumed, its callback queued past the disposal, must not end a later detach's window at once.
    /// </summary>
    public bool TryExpire(long? window)
    {
        lock (_gate)
        {
            if (!_detached || _gone || (window is { } number && number != _detaches))
            {
                return false;
            }

            _detached = false;
            _gone = true;
            _detachTimer?.Dispose();
            _detachTimer = null;
            return true;
        }
    }

    /// <summary>
    /// Attaches the user to a new connection with <paramref name="token"/> (compared in constant time); the token is
    /// replaced by the one whose key is <paramref name="nextKey"/>. A user still attached is taken over: after a network change the old
    /// connection may look alive to the server for its whole keep-alive timeout, and the token proves the page is the
    /// owner. <paramref name="previous"/> is the attachment replaced (its outbox closed), null if the user was detached.
    /// False when the user is gone or the token is not its own.
    /// </summary>
    /// <remarks><paramref name="onResumed"/> runs under the gate with <paramref name="previous"/>, before any later detach.</remarks>
    public bool TryResume(string token, string connectionId, IUserOutbox outbox, string nextKey, Action<string?> onResumed, out string? previous)
    {
        lock (_gate)
        {
            previous = null;
            if (_gone || !ResumeTokens.Matches(ResumeKey, token))
            {
                return false;
            }

            if (!_detached)
            {
                previous = ConnectionId;
                Outbox.Close();
            }

            _detached = false;
            _detachTimer?.Dispose();
            _detachTimer = null;
            _attachment = new Attachment(connectionId, outbox, nextKey);
            onResumed(previous);
            return true;
        }
    }

    public override string ToString() => Name;

    private sealed record Attachment(string ConnectionId, IUserOutbox Outbox, string ResumeKey);
}
