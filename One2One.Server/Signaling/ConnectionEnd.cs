using One2One.Server.Calls;
using One2One.Server.Hosting;
using One2One.Server.Presence;

namespace One2One.Server.Signaling;

/// <summary>
/// What a closed hub connection leaves behind: its place in presence, its registration (let go, or held for a resume),
/// and its entry in <see cref="ClientConnections"/>. Run once per connection, after its last invocation: by the hub's
/// OnDisconnectedAsync, or by <see cref="InvocationThenDisconnectFilter"/> when an invocation was still running then.
/// </summary>
/// <remarks>Stateless; any thread.</remarks>
internal sealed class ConnectionEnd(
    CallService calls,
    PresenceService presence,
    ClientConnections connections,
    IHostApplicationLifetime lifetime,
    NodeStop stop)
{
    /// <param name="connection">The connection as <see cref="ClientConnections"/> had it (null if it never did).</param>
    public async Task RunAsync(string connectionId, ClientConnection? connection)
    {
        presence.Leave(connectionId);
        try
        {
            var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
            if (stopping && stop.HandsCallsOver)
            {
                // The cluster takes this node's calls and people over once it has left, as after a crash: the page
                // resumes on another node, and nothing is let go here.
                calls.HandOver();
                return;
            }

            // A connection the server closed for cause (it stopped reading) is let go at once, and so is every connection
            // while the server stops alone (nobody could come back to it); any other may come back.
            var closedByServer = connection?.IsAborted == true;
            await calls.DisconnectAsync(connectionId, mayResume: !closedByServer && !stopping).ConfigureAwait(false);
        }
        finally
        {
            connections.Remove(connectionId);
        }
    }
}
