using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using One2One.Server.Contracts;

namespace One2One.Server.Limits;

/// <summary>
/// The limits <see cref="Calls.CallService"/> consults before it does what a client could repeat to hurt the server or
/// other people: request rates, rings per caller and callee, and the names and calls one address may hold at once.
/// A Try method that returns false took nothing and gives the message to show the person.
/// </summary>
/// <remarks>Thread-safe: each limiter guards its own state.</remarks>
internal sealed class ClientLimits : IDisposable
{
    private readonly RequestRateLimiter _requests;
    private readonly RingLimiter _rings;
    private readonly RingCooldowns _ringCooldowns;
    private readonly AddressQuota _registrations;
    private readonly AddressQuota _calls;
    private readonly AddressQuota _connections;

    // The caller's address of each call held in _calls, for the ring limit when a ring goes unanswered.
    private readonly ConcurrentDictionary<string, ClientAddress> _callerAddresses = new(StringComparer.Ordinal);
    private readonly PartitionedRateLimiter<ClientAddress> _connectionAttempts;
    private readonly PartitionedRateLimiter<ClientAddress> _perAddressAttempts;
    private readonly PartitionedRateLimiter<ClientAddress> _perNetworkAttempts;
    private readonly ILogger<ClientLimits> _logger;

    public ClientLimits(IOptions<LimitsOptions> options, LimitsClock clock, ILogger<ClientLimits> logger)
    {
        Options = options.Value;
        _requests = new RequestRateLimiter(options, clock);
        _rings = new RingLimiter(options, clock);
        _ringCooldowns = new RingCooldowns(clock.Time, Options.RingAgainAfterUnanswered);
        _registrations = new AddressQuota(Options.RegistrationsPerAddress);
        _calls = new AddressQuota(Options.CallsPerAddress);
        _connections = new AddressQuota(Options.ConnectionsPerAddress);
        var attempts = Options.ConnectionAttemptsPerAddressPerMinute;
        var networkAttempts = ClientAddress.NetworkFigure(attempts);
        _perAddressAttempts = PartitionedRateLimiter.Create<ClientAddress, ClientAddress>(address =>
            RateLimitPartition.Get(address, _ => new TokenBucketLimiter(clock.Time, attempts, TimeSpan.FromMinutes(1))));
        _perNetworkAttempts = PartitionedRateLimiter.Create<ClientAddress, ClientAddress>(address =>
            RateLimitPartition.Get(address.Network, _ => new TokenBucketLimiter(clock.Time, networkAttempts, TimeSpan.FromMinutes(1))));
        _connectionAttempts = PartitionedRateLimiter.CreateChained(_perAddressAttempts, _perNetworkAttempts);
        _logger = logger;
    }

    public LimitsOptions Options { get; }

    public bool TryRequest(LimitedRequest request, string connectionId, ClientAddress address, out string refusal)
    {
        if (_requests.TryAcquire(request, connectionId, address, out var retryAfter))
        {
            refusal = "";
            return true;
        }

        LimitsLog.RateLimited(_logger, request, connectionId, address.Key);
        refusal = request switch
        {
            LimitedRequest.Register => $"Too many registration attempts; try again in {Seconds(retryAfter)} s.",
            LimitedRequest.Call => $"Too many calls; try again in {Seconds(retryAfter)} s.",
            LimitedRequest.MediaState => $"Too many mute changes; try again in {Seconds(retryAfter)} s.",
            LimitedRequest.IceServers => $"Too many requests for ICE servers; try again in {Seconds(retryAfter)} s.",
            _ => $"Too many ICE candidates; this one was dropped. Try again in {Seconds(retryAfter)} s.",
        };
        return false;
    }

    public bool TryRing(ClientAddress caller, string callerName, string callee, out string refusal)
    {
        // Rings go by an IPv6 caller's /48: a customer's 256 to 65,536 /64s are one caller to the person rung.
        caller = caller.Network;
        if (_ringCooldowns.IsCooling(caller, callerName, callee, out var left))
        {
            LimitsLog.RingsExceeded(_logger, caller.Key, callee);
            refusal = $"{PageText.Name(callee)} did not take your last call; try again in {Seconds(left)} s.";
            return false;
        }

        if (_rings.TryRing(caller, callee, out var retryAfter))
        {
            refusal = "";
            return true;
        }

        LimitsLog.RingsExceeded(_logger, caller.Key, callee);
        refusal = $"You have called {PageText.Name(callee)} too often; try again in {Seconds(retryAfter)} s.";
        return false;
    }

    /// <summary>Counts an open hub connection against its address until <see cref="ReleaseConnection"/>.</summary>
    public bool TryHoldConnection(string connectionId, ClientAddress address, out string refusal) =>
        TryHold(_connections, "connections", connectionId, address, out refusal, ConnectionsRefusal);

    public void ReleaseConnection(string connectionId) => _connections.GiveBack(connectionId);

    /// <summary>
    /// Whether a new connection from <paramref name="address"/> would be refused now: asked before the hub runs, so that a
    /// refusal is a plain HTTP 429, not a hub that fails to start (which SignalR logs as an error). The place itself is taken
    /// by <see cref="TryHoldConnection"/>, which a race past this check still meets.
    /// </summary>
    public bool ConnectionsFull(ClientAddress address, out string refusal)
    {
        if (!_connections.IsFull(address))
        {
            refusal = "";
            return false;
        }

        refusal = Refused(_connections, "connections", address, ConnectionsRefusal);
        return true;
    }

    /// <summary>
    /// Takes one of the address's connection attempts (a negotiation, or a WebSocket opened without one): each makes SignalR
    /// hold a connection for its disconnect timeout even when the client never opens it, which the quota of open connections
    /// does not see. False, with the words to refuse it with, when the address has used its minute's budget.
    /// </summary>
    public bool TryStartConnection(ClientAddress address, out string refusal)
    {
        using var lease = _connectionAttempts.AttemptAcquire(address);
        if (lease.IsAcquired)
        {
            refusal = "";
            return true;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
        LimitsLog.ConnectionAttemptsExceeded(_logger, address.Key, Options.ConnectionAttemptsPerAddressPerMinute);
        refusal = $"Too many connection attempts from your network address; try again in {Seconds(retryAfter)} s.";
        return false;
    }

    private static string ConnectionsRefusal(int limit, string from) =>
        $"Too many connections are open from {from} (at most {limit}); close one and try again.";

    /// <summary>Counts the connection's name against its address until <see cref="ReleaseRegistration"/>.</summary>
    public bool TryHoldRegistration(string connectionId, ClientAddress address, out string refusal) =>
        TryHold(_registrations, "registrations", connectionId, address, out refusal,
            static (limit, from) => $"Too many names are registered from {from} (at most {limit}); try again when one leaves.");

    public void ReleaseRegistration(string holderId) => _registrations.GiveBack(holderId);

    /// <summary>
    /// A registration goes on without its connection (held for a resume) or on a new one: its place, counted against the
    /// address it registered from, moves from holder <paramref name="from"/> to <paramref name="to"/> without being asked
    /// for again, so a full quota never keeps a person from coming back to their own name.
    /// </summary>
    public void MoveRegistration(string from, string to) => _registrations.Move(from, to);

    /// <summary>Counts the call against its caller's address until <see cref="ReleaseCall"/>.</summary>
    public bool TryHoldCall(string callId, ClientAddress callerAddress, out string refusal)
    {
        if (!TryHold(_calls, "calls", callId, callerAddress, out refusal,
            static (limit, from) => $"Too many calls from {from} are in progress (at most {limit}); try again when one ends."))
        {
            return false;
        }

        _callerAddresses[callId] = callerAddress;
        return true;
    }

    public void ReleaseCall(string callId)
    {
        _calls.GiveBack(callId);
        _callerAddresses.TryRemove(callId, out _);
    }

    /// <summary>
    /// The call, ringing, ended unanswered (no answer, or declined): its caller's address may ring <paramref name="callee"/>
    /// again only after <see cref="LimitsOptions.RingAgainAfterUnanswered"/> (<see cref="RingCooldowns"/>). Before <see cref="ReleaseCall"/>.
    /// </summary>
    public void RingWentUnanswered(string callId, string callerName, string callee)
    {
        if (_callerAddresses.TryGetValue(callId, out var caller))
        {
            _ringCooldowns.Start(caller.Network, callerName, callee);
        }
    }

    /// <param name="whenFull">The words for the person, given the limit and whose it is: made only for a refusal.</param>
    private bool TryHold(AddressQuota quota, string what, string holderId, ClientAddress address, out string refusal, Func<int, string, string> whenFull)
    {
        if (quota.TryTake(holderId, address))
        {
            refusal = "";
            return true;
        }

        refusal = Refused(quota, what, address, whenFull);
        return false;
    }

    /// <summary>Logs a full quota and gives the words for the person, naming the limit that refused: the address's or its /48's.</summary>
    private string Refused(AddressQuota quota, string what, ClientAddress address, Func<int, string, string> whenFull)
    {
        if (quota.IsNetworkFull(address))
        {
            LimitsLog.AddressQuotaFull(_logger, what, address.Network.Key, quota.NetworkLimit);
            return whenFull(quota.NetworkLimit, $"your network ({address.Network.Key}, counted as a whole)");
        }

        LimitsLog.AddressQuotaFull(_logger, what, address.Key, quota.Limit);
        return whenFull(quota.Limit, "your network address");
    }

    public void Dispose()
    {
        _requests.Dispose();
        _rings.Dispose();
        _registrations.Dispose();
        _calls.Dispose();
        _connections.Dispose();
        _connectionAttempts.Dispose();
        _perAddressAttempts.Dispose();
        _perNetworkAttempts.Dispose();
    }

    private static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
