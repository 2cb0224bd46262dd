using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using One2One.Server.Limits;

namespace One2One.Server.Signaling;

/// <summary>One open hub connection as services see it: its id, where it comes from, and a way to close it.</summary>
/// <remarks>Immutable but for <see cref="_aborted"/> (set once, by compare-and-swap); any thread may abort.</remarks>
internal sealed class ClientConnection
{
    private readonly HubCallerContext _context;
    private readonly ILogger _logger;
    private int _aborted;

    public ClientConnection(HubCallerContext context, ILogger logger)
    {
        _context = context;
        _logger = logger;
        // The feature rather than HttpContext.Connection, which would make (and keep, for the WebSocket's lifetime) a
        // ConnectionInfo object per connection; a trusted proxy's forwarded address is in the feature too.
        Address = ClientAddress.From(context.GetHttpContext()?.Features.Get<IHttpConnectionFeature>()?.RemoteIpAddress);
    }

    public string Id => _context.ConnectionId;

    public ClientAddress Address { get; }

    /// <summary>Whether the server closed it (<see cref="Abort"/>): a client closed for cause gets no resume.</summary>
    public bool IsAborted => Volatile.Read(ref _aborted) == 1;

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
