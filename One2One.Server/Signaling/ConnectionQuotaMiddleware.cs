using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Limits;

namespace One2One.Server.Signaling;

/// <summary>
/// Refuses a new hub connection (its negotiation, or its WebSocket when the client skips negotiating) with HTTP 429 while
/// its address holds all its connections (<c>Limits:ConnectionsPerAddress</c>) or has started too many in the last minute
/// (<c>Limits:ConnectionAttemptsPerAddressPerMinute</c>): before SignalR starts the hub, which would
/// log each refusal as an error. The body says why, as a hub refusal would (<c>rate-limited: …</c>), and it is counted with
/// the hub's refusals (<c>one2one.hub.rejected</c>).
/// </summary>
internal static class ConnectionQuotaMiddleware
{
    public static IApplicationBuilder UseConnectionQuota(this IApplicationBuilder app)
    {
        var limits = app.ApplicationServices.GetRequiredService<ClientLimits>();
        var rejections = app.ApplicationServices.GetRequiredService<Rejections>();
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(One2OneHub.Path) && StartsConnection(context.Request)
                && (limits.ConnectionsFull(ClientAddress.From(context.Features), out var refusal)
                    || !limits.TryStartConnection(ClientAddress.From(context.Features), out refusal)))
            {
                rejections.Counted(Reasons.RateLimited);
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await context.Response.WriteAsync(HubRejection.WireMessage(Reasons.RateLimited, refusal)).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// A request that starts a connection: a negotiation, or a transport opened without one (a WebSocket with
    /// skipNegotiation). The requests of a connection already negotiated carry its id.
    /// </summary>
    private static bool StartsConnection(HttpRequest request) =>
        request.Path.StartsWithSegments(One2OneHub.Path + "/negotiate") || !request.Query.ContainsKey("id");
}
