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
/// <remarks>Stateless; any thread.</remarks>
internal sealed class HubUserConnections(
    IHubContext<One2OneHub, IOne2OneClient> hub,
    ClientConnections connections,
    ClientLimits limits,
    ILogger<ClientOutbox> logger) : IUserConnections
{
    public ClientAddress AddressOf(string connectionId) => connections.Find(connectionId)?.Address ?? ClientAddress.Unknown;

    public IUserOutbox OpenOutbox(string connectionId)
    {
        var capacity = limits.Options.OutboxCapacity;
        return new ClientOutbox(hub, connectionId, capacity, () => Abort(connectionId, $"it left {capacity} messages unread (Limits:OutboxCapacity)"), logger);
    }

    public void Abort(string connectionId, string reason) => connections.Find(connectionId)?.Abort(reason);
}
