using System.Net;
using One2One.MediaServer.Rtc.Stun;

namespace One2One.MediaServer.Rtc.Ice;

/// <summary>What a connectivity check changed.</summary>
internal enum IceCheckResult
{
    /// <summary>Not a check for us: unauthenticated or replayed (unanswered), or one that claims our role (answered 487).</summary>
    Refused,

    /// <summary>A check on a path that had already passed; it renews consent if it is the selected one (RFC 7675).</summary>
    ConsentRenewed,

    /// <summary>The first check on this path: it may now send us DTLS and media.</summary>
    AddressValidated,

    /// <summary>The browser nominated this path (USE-CANDIDATE): media goes there from now on.</summary>
    Nominated,

    /// <summary>
    /// A valid check from an address that another endpoint holds: unanswered, so the browser does not use that pair (we
    /// could neither accept its media nor send there); nothing changes.
    /// </summary>
    AddressNotKept,
}

/// <summary>
/// ICE-lite, RFC 8445 §2.5: we never send checks, we answer the browser's. A path (a link and a remote address on it)
/// that has passed a check may send DTLS and media; the path the browser nominates is where our media goes. Only a
/// stored (validated) path is ever selected, and consent (RFC 7675 §5.1, per candidate pair) is renewed only by checks
/// on the selected one: checks on another pair must not keep a dead selected pair alive.
/// <para>
/// At most <see cref="MaxPeerAddresses"/> paths are kept. A mobile browser gets a new address each time its NAT binding
/// or network changes, and checks from it without an ICE restart, so a long call can see any number of them: once the
/// table is full, a newly validated path takes the place of the one least recently checked that is not the selected one
/// (whose media must keep flowing until the browser nominates another). Browsers keep checking the backup pairs they
/// may switch to (Chromium about every 25 s) and stop checking those they pruned, so the path checked least recently is
/// the one the browser has given up; it is handed back to the caller, which lets go of what it holds for it.
/// </para>
/// <para>
/// A check that fails authentication (no USERNAME or MESSAGE-INTEGRITY, another ufrag, a wrong password) gets no
/// answer, where RFC 5389 §10.1.2 would send 400 or 401: every endpoint shares one port, so an answer would tell
/// whoever probes it which ufrags are live there, and the browser whose check was mangled on the way simply retries.
/// </para>
/// </summary>
/// <remarks>
/// Threading: the owning transport calls <see cref="OnBindingRequest"/> and <see cref="IsValidated"/> under its
/// receive gate, which owns the stored paths, the nomination and the remembered checks. A slot is filled before it is
/// counted, so a reader without the gate never meets an empty one (though it may miss the newest path). <see cref="Selected"/>,
/// <see cref="SendTarget"/> and <see cref="LastCheckTimestamp"/> are published for other threads (senders, the consent monitor).
/// </remarks>
internal sealed class IceLiteAgent(IceCredentials local, TimeProvider time)
{
    /// <summary>A browser has a handful of candidates; beyond this many validated paths, a new one replaces the stalest.</summary>
    public const int MaxPeerAddresses = 8;

    /// <summary>
    /// How long the selected path may go without a check before a check on another stored path selects that one, without a
    /// nomination. Firefox nominates once and then sends plain consent checks (every 4 to 6 s) that never carry
    /// USE-CANDIDATE: when its NAT binding changes, those checks come from a new address, which the browser does not know
    /// it has, so it never nominates it, and our media would go on to the dead address until consent expired and the call
    /// ended. Chromium checks its selected pair every few seconds and its backups about every 25 s, so a live selected pair
    /// is never this silent; a pair's checks prove the same credentials a nomination does, so this grants nothing new.
    /// </summary>
    public static readonly TimeSpan SilentSelectedPathTimeout = TimeSpan.FromSeconds(8);

    /// <summary>Accepted checks remembered so that a replay of one from another path is refused.</summary>
    public const int RememberedChecks = 64;

    private readonly IcePath?[] _validated = new IcePath?[MaxPeerAddresses];

    // For each stored path, the number of the last accepted check that came over it: an order, not a time, so that two
    // checks in the same clock tick still tell which path is stalest.
    private readonly long[] _lastCheckNumber = new long[MaxPeerAddresses];
    private int _validatedCount;
    private long _checkNumber;

    // The transaction IDs of the last accepted checks and the (stored, validated) path each came over; a ring.
    private readonly byte[] _recentTransactions = new byte[RememberedChecks * StunMessage.TransactionIdLength];
    private readonly IcePath?[] _recentSenders = new IcePath?[RememberedChecks];
    private int _nextRecent;
    private ForgottenChecks? _forgotten; // those the ring let go; made when it first lets one go
    private IcePath? _nominated;
    private IcePath? _selected;
    private long _lastCheckTimestamp;
    private int _consentExpired;

    public IceCredentials Local { get; } = local;

    /// <summary>Where media goes: the nominated path, or until then the first one that passed a check.</summary>
    public IcePath? Selected => Volatile.Read(ref _selected);

    /// <summary>
    /// Where media may go now: the selected path, unless its consent expired (RFC 7675 §5.1: once consent is lost, the agent
    /// must stop sending on that pair) and no check has renewed it since. Null before any path passed a check.
    /// </summary>
    public IcePath? SendTarget => Volatile.Read(ref _consentExpired) == 0 ? Selected : null;

    /// <summary>
    /// Ends consent when the last check on the selected path is older than <paramref name="timeout"/> at <paramref name="now"/>
    /// (from the consent monitor): sending stops until a check on the selected path renews it. True when it is expired.
    /// </summary>
    public bool ExpireConsentIfStale(long now, TimeSpan timeout)
    {
        var lastCheck = LastCheckTimestamp;
        if (lastCheck == 0 || time.GetElapsedTime(lastCheck, now) <= timeout)
        {
            return false;
        }

        Interlocked.Exchange(ref _consentExpired, 1);
        if (LastCheckTimestamp != lastCheck)
        {
            // A check renewed it meanwhile (it writes its time, then clears the flag): whichever came last, it holds.
            Interlocked.Exchange(ref _consentExpired, 0);
            return false;
        }

        return true;
    }

    /// <summary>The selected remote address as an end point, for events and candidates.</summary>
    public IPEndPoint? SelectedEndPoint => Selected?.EndPoint;

    /// <summary>When the last valid check on the selected path arrived (<see cref="TimeProvider.GetTimestamp"/>); 0 before the first.</summary>
    public long LastCheckTimestamp => Interlocked.Read(ref _lastCheckTimestamp);

    /// <summary>The paths that passed a check (under the caller's receive gate).</summary>
    public ReadOnlySpan<IcePath?> ValidatedPaths => _validated.AsSpan(0, _validatedCount);

    public bool IsValidated(IIceLink link, in AddressKey address) => IndexOfValidated(link, address) >= 0;

    /// <summary>The stored path for this link and address, if it passed a check.</summary>
    public IcePath? FindValidated(IIceLink link, in AddressKey address) => IndexOfValidated(link, address) is var i and >= 0 ? _validated[i] : null;

    /// <summary>
    /// Handles a STUN datagram from <paramref name="from"/> over <paramref name="link"/>: writes the answer into
    /// <paramref name="response"/> (a success, or a 487 to an authenticated check that claims our role) and says
    /// what changed. Never throws on bad input. Without <paramref name="mayStoreNewPath"/> a valid check on a path not
    /// yet stored is <see cref="IceCheckResult.AddressNotKept"/> (the caller knows the address belongs to another agent).
    /// </summary>
    /// <param name="evicted">
    /// The path a newly validated one replaced in a full table (never the selected one); the caller must let go of what
    /// it holds for it (its address on the shared port, its ICE-TCP connection). Null otherwise.
    /// </param>
    public IceCheckResult OnBindingRequest(ReadOnlySpan<byte> datagram, IIceLink link, SocketAddress from, Span<byte> response, out int responseLength,
        out IcePath? evicted, bool mayStoreNewPath = true)
    {
        responseLength = 0;
        evicted = null;
        if (!StunMessage.TryParse(datagram, out var request) || !AddressKey.TryCreate(from, out var key))
        {
            return IceCheckResult.Refused;
        }

        var outcome = IceLiteCheck.Check(request, Local.UfragBytes, Local.PasswordBytes);
        if (outcome is IceCheckOutcome.Discard or IceCheckOutcome.BadRequest or IceCheckOutcome.Unauthorized)
        {
            return IceCheckResult.Refused;
        }

        if (outcome == IceCheckOutcome.Accept && IsReplayedFromElsewhere(request.TransactionId, link, key))
        {
            // RFC 5389 §7.3: a retransmission repeats its transaction on the same path. The same authenticated
            // check on another path is a captured one replayed to take the media path: unanswered, no effect.
            return IceCheckResult.Refused;
        }

        var stored = IndexOfValidated(link, key);
        var known = stored >= 0;
        if (outcome == IceCheckOutcome.Accept && !known && IndexOfRemembered(request.TransactionId) < 0
            && _forgotten?.MayContain(request.TransactionId) == true)
        {
            // Accepted long ago on a path of its own (out of the ring), now from a new address: a replay.
            return IceCheckResult.Refused;
        }
        if (outcome == IceCheckOutcome.Accept && !known && !mayStoreNewPath)
        {
            return IceCheckResult.AddressNotKept;
        }

        responseLength = IceLiteCheck.WriteResponse(response, request, outcome, from, Local.PasswordBytes);
        if (outcome != IceCheckOutcome.Accept)
        {
            return IceCheckResult.Refused;
        }

        if (!known)
        {
            var newPath = new IcePath(link, from);
            if (_validatedCount < MaxPeerAddresses)
            {
                stored = _validatedCount;
                _validated[stored] = newPath;
                Volatile.Write(ref _validatedCount, stored + 1);
            }
            else
            {
                stored = StalestUnselected();
                evicted = _validated[stored];
                _validated[stored] = newPath;
            }
        }

        _lastCheckNumber[stored] = ++_checkNumber;
        var path = _validated[stored]!;
        Remember(request.TransactionId, path);

        // Nomination is tracked apart from selection: Chromium nominates (USE-CANDIDATE) only the pair it already
        // selected and found writable with an ICE-lite peer, so a nomination usually names the selected path.
        var result = known ? IceCheckResult.ConsentRenewed : IceCheckResult.AddressValidated;
        if (request.UseCandidate && !ReferenceEquals(_nominated, path))
        {
            _nominated = path;
            Volatile.Write(ref _selected, path);
            result = IceCheckResult.Nominated;
        }
        else if (Selected is null)
        {
            Volatile.Write(ref _selected, path);
        }
        else if (!ReferenceEquals(Selected, path) && SelectedFellSilent())
        {
            // The browser moved without telling us (see SilentSelectedPathTimeout): follow its checks, as a nomination.
            _nominated = path;
            Volatile.Write(ref _selected, path);
            result = IceCheckResult.Nominated;
        }

        if (ReferenceEquals(Selected, path))
        {
            Interlocked.Exchange(ref _lastCheckTimestamp, time.GetTimestamp());
            Interlocked.Exchange(ref _consentExpired, 0);
        }

        return result;
    }

    private bool SelectedFellSilent() =>
        LastCheckTimestamp is var last and not 0 && time.GetElapsedTime(last) > SilentSelectedPathTimeout;

    private int IndexOfValidated(IIceLink link, in AddressKey address)
    {
        var count = Volatile.Read(ref _validatedCount);
        for (var i = 0; i < count; i++)
        {
            if (_validated[i]!.Matches(link, address))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The slot of the stored path checked least recently, the selected one aside (a full table holds others).</summary>
    private int StalestUnselected()
    {
        var selected = Selected;
        var stalest = -1;
        for (var i = 0; i < _validatedCount; i++)
        {
            if (!ReferenceEquals(_validated[i], selected) && (stalest < 0 || _lastCheckNumber[i] < _lastCheckNumber[stalest]))
            {
                stalest = i;
            }
        }

        return stalest;
    }

    private bool IsReplayedFromElsewhere(ReadOnlySpan<byte> transactionId, IIceLink link, in AddressKey from) =>
        IndexOfRemembered(transactionId) is var i and >= 0 && !_recentSenders[i]!.Matches(link, from);

    private void Remember(ReadOnlySpan<byte> transactionId, IcePath stored)
    {
        if (IndexOfRemembered(transactionId) >= 0)
        {
            return;
        }

        var slot = _recentTransactions.AsSpan(_nextRecent * StunMessage.TransactionIdLength, StunMessage.TransactionIdLength);
        if (_recentSenders[_nextRecent] is not null)
        {
            (_forgotten ??= new ForgottenChecks()).Add(slot);
        }

        transactionId.CopyTo(slot);
        _recentSenders[_nextRecent] = stored;
        _nextRecent = (_nextRecent + 1) % RememberedChecks;
    }

    private int IndexOfRemembered(ReadOnlySpan<byte> transactionId)
    {
        for (var i = 0; i < RememberedChecks; i++)
        {
            if (_recentSenders[i] is not null
                && _recentTransactions.AsSpan(i * StunMessage.TransactionIdLength, StunMessage.TransactionIdLength).SequenceEqual(transactionId))
            {
                return i;
            }
        }

        return -1;
    }
}
