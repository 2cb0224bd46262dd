using Microsoft.AspNetCore.SignalR;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Limits;

namespace One2One.Server.Signaling;

/// <summary>
/// The call layer's view of the hub's connections (<see cref="IUserConnections"/>): addresses and aborts from
/// <see cref="ClientConnections"/>, outboxes that send through <see cref="IHubContext{THub,T}"/> and disconnect a
/// browser that lets <see cref="LimitsOptions.OutboxCapacity"/> messages pile up.
/// </summary>
/// <remarks>Immutable; any thread.</remarks>
internal sealed class HubUserConnections : IUserConnections
{
    private readonly IHubContext<One2OneHub, IOne2OneClient> _hub;
    private readonly ClientConnections _connections;
    private readonly ClientLimits _limits;
    private readonly ILogger<ClientOutbox> _logger;
    private readonly Action<string> _overflowed;

    public HubUserConnections(IHubContext<One2OneHub, IOne2OneClient> hub, ClientConnections connections, ClientLimits limits, ILogger<ClientOutbox> logger)
    {
        _hub = hub;
        _connections = connections;
        _limits = limits;
        _logger = logger;
        _overflowed = Overflowed; // one delegate for every outbox
    }

    public ClientAddress AddressOf(string connectionId) => _connections.Find(connectionId)?.Address ?? ClientAddress.Unknown;

    public IUserOutbox OpenOutbox(string connectionId) => new ClientOutbox(_hub, connectionId, _limits.Options.OutboxCapacity, _overflowed, _logger);

    public void Abort(string connectionId, string reason) => _connections.Find(connectionId)?.Abort(reason);

    private void Overflowed(string connectionId) =>
        Abort(connectionId, $"it left {_limits.Options.OutboxCapacity} messages unread (Limits:OutboxCapacity)");
}
