using Microsoft.AspNetCore.SignalR;

namespace One2One.Server.Signaling;

/// <summary>
/// Orders a connection's end after its running invocation (see <see cref="ClientConnection.TryBeginInvocation"/>): the
/// hub's OnDisconnectedAsync leaves the end to the invocation still running, which runs it as it finishes.
/// </summary>
/// <remarks>Stateless; any thread. The state is the connection's own.</remarks>
internal sealed class InvocationThenDisconnectFilter(ClientConnections connections, ConnectionEnd end, ILogger<InvocationThenDisconnectFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var connectionId = invocationContext.Context.ConnectionId;
        if (connections.Find(connectionId) is not { } connection)
        {
            return await next(invocationContext).ConfigureAwait(false);
        }

        if (!connection.TryBeginInvocation())
        {
            // Disconnected already: nobody to answer, and nothing of it may outlive its end.
            return null;
        }

        try
        {
            return await next(invocationContext).ConfigureAwait(false);
        }
        finally
        {
            if (connection.EndInvocation())
            {
                try
                {
                    await end.RunAsync(connectionId, connection).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    SignalingLog.DisconnectFailed(logger, connectionId, ex);
                }
            }
        }
    }
}
