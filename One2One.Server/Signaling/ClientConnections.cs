using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using One2One.Server.Limits;

namespace One2One.Server.Signaling;

/// <summary>
/// The open hub connections by id, so a service can reach a connection it holds no hub for: to know where it comes
/// from, or to abort it (a client that stopped reading). Each holds a place in its address's connection quota
/// (<c>Limits:ConnectionsPerAddress</c>) from <see cref="TryAdd"/> to <see cref="Remove"/>.
/// </summary>
/// <remarks>
/// Thread-safe: a concurrent dictionary. The hub adds a connection in OnConnectedAsync, before any invocation of it
/// runs, and <see cref="ConnectionEnd"/> removes it after the last: OnDisconnectedAsync leaves that to an invocation
/// still running (<see cref="InvocationThenDisconnectFilter"/>). So during an invocation its connection is always found. <see cref="HubCallerContext.Abort"/> may be called from any thread, also after the connection closed.
/// </remarks>
internal sealed class ClientConnections(ClientLimits limits, ILogger<ClientConnections> logger)
{
    private readonly ConcurrentDictionary<string, ClientConnection> _connections = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    /// <summary>Adds the connection, unless its address holds its share of connections: then false, with the words to close it with.</summary>
    public bool TryAdd(HubCallerContext context, out string refusal)
    {
        var connection = new ClientConnection(context, logger);
        if (!limits.TryHoldConnection(connection.Id, connection.Address, out refusal))
        {
            return false;
        }

        _connections[connection.Id] = connection;
        return true;
    }

    public ClientConnection? Find(string connectionId) => _connections.TryGetValue(connectionId, out var connection) ? connection : null;

    public void Remove(string connectionId)
    {
        _connections.TryRemove(connectionId, out _);
        limits.ReleaseConnection(connectionId);
    }
}
