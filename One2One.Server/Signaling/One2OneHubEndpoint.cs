using Microsoft.Extensions.Options;
using One2One.Server.Limits;

namespace One2One.Server.Signaling;

internal static class One2OneHubEndpoint
{
    /// <summary>Maps the hub with SignalR's transport buffers sized from the limits.</summary>
    public static HubEndpointConventionBuilder MapOne2OneHub(this IEndpointRouteBuilder endpoints)
    {
        var limits = endpoints.ServiceProvider.GetRequiredService<IOptions<LimitsOptions>>().Value;
        return endpoints.MapHub<One2OneHub>(One2OneHub.Path, options =>
        {
            // What SignalR takes from a client's transport before it waits for the hub to parse some of it. At least one
            // whole message: a message can arrive in pieces (several WebSocket messages, long-polling posts), and one in
            // pieces that is larger than this would stop the reading before it is complete and stall the connection.
            options.ApplicationMaxBufferSize = limits.MaxMessageBytes;

            // What SignalR holds for a client that is not reading (its default, stated): beyond it the outbox's send
            // loop waits, the outbox fills and the client is disconnected. A slow client costs at most this plus
            // Limits:OutboxCapacity messages.
            options.TransportMaxBufferSize = 64 * 1024;
        });
    }
}
