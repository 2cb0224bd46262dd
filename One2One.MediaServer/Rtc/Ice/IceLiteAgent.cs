using System.Net;
using One2One.MediaServer.Rtc.Stun;

namespace One2One.MediaServer.Rtc.Ice;

/// <summary>What a connectivity check changed.</summary>
internal enum IceCheckResult
{
    /// <summary>Not a check for us (discarded or answered with an error).</summary>
    Refused,

    /// <summary>A check from an address that had already passed; it renews consent if it is the selected one (RFC 7675).</summary>
    ConsentRenewed,

    /// <summary>The first check from this address: it may now send us DTLS and media.</summary>
    AddressValidated,

    /// <summary>The browser nominated this address (USE-CANDIDATE): media goes there from now on.</summary>
    Nominated,

    /// <summary>
    /// A valid check from an address beyond the <see cref="IceLiteAgent.MaxPeerAddresses"/> kept: unanswered, so the
    /// browser does not use that pair (we could neither accept its media nor send there); nothing changes.
    /// </summary>
    AddressNotKept,
}

/// <summary>
/// ICE-lite, RFC 8445 §2.5: we never send checks, we answer the browser's. An address that has passed a check
/// may send DTLS and media; the address the browser nominates is where our media goes. Only a stored (validated)
/// address is ever selected, and consent (RFC 7675 §5.1, per candidate pair) is renewed only by checks from the
/// selected one: checks on another pair must not keep a dead selected pair alive.
/// </summary>
/// <remarks>
/// Threading: the socket's receive loop alone calls <see cref="OnBindingRequest"/> and
/// <see cref="IsValidated"/>, and owns the nominated address and the remembered checks. <see cref="Selected"/>
/// and <see cref="LastCheckTimestamp"/> are published for other threads (senders, the consent monitor).
/// </remarks>
internal sealed class IceLiteAgent(IceCredentials local, TimeProvider time)
{
    /// <summary>A browser has a handful of candidates; more validated addresses than this are not kept.</summary>
    public const int MaxPeerAddresses = 8;

    /// <summary>Accepted checks remembered so that a replay of one from another address is refused.</summary>
    public const int RememberedChecks = 64;

    private readonly SocketAddress?[] _validated = new SocketAddress?[MaxPeerAddresses];
    private int _validatedCount;

    // The transaction IDs of the last accepted checks and the (stored, validated) address each came from; a ring.
    private readonly byte[] _recentTransactions = new byte[RememberedChecks * StunMessage.TransactionIdLength];
    private readonly SocketAddress?[] _recentSenders = new SocketAddress?[RememberedChecks];
    private int _nextRecent;
    private SocketAddress? _nominated;
    private SocketAddress? _selected;
    private IPEndPoint? _selectedEndPoint;
    private long _lastCheckTimestamp;

    public IceCredentials Local { get; } = local;

    /// <summary>Where media goes: the nominated address, or until then the first one that passed a check.</summary>
    public SocketAddress? Selected => Volatile.Read(ref _selected);

    /// <summary>The selected address as an end point, for events and candidates.</summary>
    public IPEndPoint? SelectedEndPoint => Volatile.Read(ref _selectedEndPoint);

    /// <summary>When the last valid check from the selected address arrived (<see cref="TimeProvider.GetTimestamp"/>); 0 before the first.</summary>
    public long LastCheckTimestamp => Interlocked.Read(ref _lastCheckTimestamp);

    public bool IsValidated(SocketAddress address) => IndexOfValidated(address) >= 0;

    /// <summary>
    /// Handles a STUN datagram from <paramref name="from"/>: writes the answer (success, or the error the check
    /// earned) into <paramref name="response"/> and says what changed. Never throws on bad input.
    /// </summary>
    public IceCheckResult OnBindingRequest(ReadOnlySpan<byte> datagram, SocketAddress from, Span<byte> response, out int responseLength)
    {
        responseLength = 0;
        if (!StunMessage.TryParse(datagram, out var request))
        {
            return IceCheckResult.Refused;
        }

        var outcome = IceLiteCheck.Check(request, Local.UfragBytes, Local.PasswordBytes);
        if (outcome == IceCheckOutcome.Accept && IsReplayedFromElsewhere(request.TransactionId, from))
        {
            // RFC 5389 §7.3: a retransmission repeats its transaction from the same address. The same authenticated
            // check from another address is a captured one replayed to take the media path: unanswered, no effect.
            return IceCheckResult.Refused;
        }

        var stored = IndexOfValidated(from);
        var known = stored >= 0;
        if (outcome == IceCheckOutcome.Accept && !known && _validatedCount == MaxPeerAddresses)
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
            stored = _validatedCount++;
            _validated[stored] = Copy(from);
        }

        var address = _validated[stored]!;
        Remember(request.TransactionId, address);

        // Nomination is tracked apart from selection: Chromium nominates (USE-CANDIDATE) only the pair it already
        // selected and found writable with an ICE-lite peer, so a nomination usually names the selected address.
        var result = known ? IceCheckResult.ConsentRenewed : IceCheckResult.AddressValidated;
        if (request.UseCandidate && !ReferenceEquals(_nominated, address))
        {
            _nominated = address;
            Select(address);
            result = IceCheckResult.Nominated;
        }
        else if (Selected is null)
        {
            Select(address);
        }

        if (ReferenceEquals(Selected, address))
        {
            Interlocked.Exchange(ref _lastCheckTimestamp, time.GetTimestamp());
        }

        return result;
    }

    private int IndexOfValidated(SocketAddress address)
    {
        for (var i = 0; i < _validatedCount; i++)
        {
            if (_validated[i]!.Equals(address))
            {
                return i;
            }
        }

        return -1;
    }

    private bool IsReplayedFromElsewhere(ReadOnlySpan<byte> transactionId, SocketAddress from) =>
        IndexOfRemembered(transactionId) is var i and >= 0 && !_recentSenders[i]!.Equals(from);

    private void Remember(ReadOnlySpan<byte> transactionId, SocketAddress stored)
    {
        if (IndexOfRemembered(transactionId) >= 0)
        {
            return;
        }

        transactionId.CopyTo(_recentTransactions.AsSpan(_nextRecent * StunMessage.TransactionIdLength));
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

    /// <summary>Publishes a stored address (never mutated once stored, so senders may read it from any thread).</summary>
    private void Select(SocketAddress stored)
    {
        var any = stored.Family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        Volatile.Write(ref _selectedEndPoint, (IPEndPoint)new IPEndPoint(any, 0).Create(stored));
        Volatile.Write(ref _selected, stored);
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span.CopyTo(copy.Buffer.Span);
        return copy;
    }
}
