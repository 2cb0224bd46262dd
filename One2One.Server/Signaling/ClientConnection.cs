using Microsoft.AspNetCore.SignalR;
using One2One.Server.Limits;

namespace One2One.Server.Signaling;

/// <summary>One open hub connection as services see it: its id, where it comes from, and a way to close it.</summary>
/// <remarks>
/// Immutable but for <see cref="_aborted"/> (set once, by compare-and-swap; any thread may abort) and
/// <see cref="_lifetime"/> (its invocation and its end, by compare-and-swap: see <see cref="TryBeginInvocation"/>).
/// </remarks>
internal sealed class ClientConnection
{
    // _lifetime: bit 0 says disconnected, the rest counts the running invocations (one, as SignalR is configured here).
    private const int Disconnected = 1;
    private const int OneInvocation = 2;

    private readonly HubCallerContext _context;
    private readonly ILogger _logger;
    private int _aborted;
    private int _lifetime;

    public ClientConnection(HubCallerContext context, ILogger logger)
    {
        _context = context;
        _logger = logger;
        Address = ClientAddress.From(context.GetHttpContext()?.Features);
    }

    public string Id => _context.ConnectionId;

    public ClientAddress Address { get; }

    /// <summary>Whether the server closed it (<see cref="Abort"/>): a client closed for cause gets no resume.</summary>
    public bool IsAborted => Volatile.Read(ref _aborted) == 1;

    /// <summary>
    /// An invocation of this connection starts; false once it has disconnected. SignalR does not wait for a running
    /// invocation before OnDisconnectedAsync (it runs invocations apart from its reading), so a Register still waiting for
    /// its name's claim when the client closed would register the name after the disconnect had found nobody to let go:
    /// a name held for good by a connection that no longer exists. The connection's end runs after its invocation instead.
    /// </summary>
    public bool TryBeginInvocation()
    {
        while (true)
        {
            var state = Volatile.Read(ref _lifetime);
            if ((state & Disconnected) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _lifetime, state + OneInvocation, state) == state)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// An invocation has ended; true if it was the last one running and the connection disconnected meanwhile: its end is
    /// the caller's to run.
    /// </summary>
    public bool EndInvocation() => Interlocked.Add(ref _lifetime, -OneInvocation) == Disconnected;

    /// <summary>The connection has disconnected; true if no invocation is running and its end is the caller's to run now.</summary>
    public bool MarkDisconnected() => Interlocked.Or(ref _lifetime, Disconnected) == 0;

    /// <summary>Closes the connection (once, logging why); its disconnect then runs as for a closed tab.</summary>
    public void Abort(string reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            SignalingLog.Aborted(_logger, Id, Address.Key, reason);
            _context.Abort();
        }
    }
}
