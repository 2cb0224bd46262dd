using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using One2One.MediaServer.Protocol;

namespace One2One.MediaServer.Hosting;

/// <summary>Accepts control WebSockets (no sub-protocol, no compression, as KMS) and serves each with a <see cref="KurentoConnection"/>.</summary>
internal sealed class KurentoWebSocketHandler(
    KurentoRequestProcessor processor,
    KurentoSessionRegistry sessions,
    IOptions<MediaServerOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<ControlConnection> logger)
{
    private int _open;

    public int OpenConnections => Volatile.Read(ref _open);

    public async Task HandleAsync(HttpContext context)
    {
        // A browser sends Origin with every WebSocket request, and lets any page it loads open one to loopback or
        // the LAN: without this check any web page the user visits could drive the media server.
        var origin = context.Request.Headers.Origin;
        if (origin.Count > 0 && !IsAllowed(origin))
        {
            ControlProtocolLog.OriginRefused(logger, origin.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                "Forbidden: this Kurento JSON-RPC endpoint serves application servers, not browser pages. A request with an Origin header "
                + "is refused unless that origin is listed in MediaServer:AllowedOrigins.",
                context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is a Kurento JSON-RPC endpoint: connect with a WebSocket.", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // Bounded like sessions: each socket costs a receive buffer and a queue.
        if (Interlocked.Increment(ref _open) > options.Value.MaxSessions)
        {
            Interlocked.Decrement(ref _open);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);

            // Shutting down closes the control sockets: clients reconnect elsewhere, and the server does not wait on them.
            using var closing = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            var connection = new ControlConnection(socket, processor, sessions, options.Value, timeProvider, logger, closing.Token);
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private bool IsAllowed(StringValues origin)
    {
        if (origin.Count != 1 || origin[0] is not { } value)
        {
            return false;
        }

        foreach (var allowed in options.Value.AllowedOrigins)
        {
            // Browsers serialize an origin without a trailing slash (RFC 6454 §6.2); scheme and host are case-insensitive.
            if (string.Equals(allowed.TrimEnd('/'), value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
