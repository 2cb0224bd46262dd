using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace One2One.Server.Signaling;

/// <summary>
/// The open hub connections by id, so a service can reach a connection it holds no hub for: to know where it comes
/// from, or to abort it (a client that stopped reading).
/// </summary>
/// <remarks>
/// Thread-safe: a concurrent dictionary. The hub adds a connection in OnConnectedAsync, before any invocation of it
/// runs, and <see cref="ConnectionEnd"/> removes it after the last: OnDisconnectedAsync leaves that to an invocation
/// still running (<see cref="InvocationThenDisconnectFilter"/>). So during an invocation its connection is always found. <see cref="HubCallerContext.Abort"/> may be called from any thread, also after the connection closed.
/// </remarks>
internal sealed class ClientConnections(ILogger<ClientConnections> logger)
{
    private readonly ConcurrentDictionary<string, ClientConnection> _connections = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    public ClientConnection Add(HubCallerContext context)
    {
        var connection = new ClientConnection(context, logger);
        _connections[connection.Id] = connection;
        return connection;
    }

    public ClientConnection? Find(string connectionId) => _connections.TryGetValue(connectionId, out var connection) ? connection : null;

    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);
}
