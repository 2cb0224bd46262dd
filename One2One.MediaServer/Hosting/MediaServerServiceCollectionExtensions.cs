using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Hosting;
using One2One.MediaServer.Observability;
using One2One.MediaServer.Protocol;
using One2One.MediaServer.Relay;

namespace One2One.MediaServer;

public static class MediaServerServiceCollectionExtensions
{
    /// <summary>
    /// The Kurento-protocol media server: options (section <c>MediaServer</c>, validated at start-up), the media object
    /// registry, sessions, the WebSocket handler, a hosted service that releases everything when the host stops, the media
    /// totals and the meter over them, and the WebRTC machinery (<c>IWebRtcSessionFactory</c>, registered
    /// with TryAdd so a test can put its own first).
    /// </summary>
    public static IServiceCollection AddKurentoMediaServer(this IServiceCollection services)
    {
        services.AddOptions<MediaServerOptions>().BindConfiguration(MediaServerOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediaServerOptions>, MediaServerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new EndpointAdmission(sp.GetRequiredService<IOptions<MediaServerOptions>>().Value.MaxEndpoints));
        services.TryAddSingleton<MediaSet>();
        services.TryAddSingleton<KurentoSessionRegistry>();
        services.TryAddSingleton<KurentoRequestProcessor>();
        services.TryAddSingleton<KurentoWebSocketHandler>();
        services.TryAddSingleton<MediaServerDiagnostics>();
        services.TryAddSingleton<MediaTotals>();
        services.TryAddSingleton<MediaServerMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MediaServerShutdown>());

        // The WebRTC machinery (ICE-lite, DTLS-SRTP, relay). TryAdd: a test that registered another one first keeps it.
        services.TryAddSingleton<IWebRtcSessionFactory, WebRtcSessionFactory>();
        return services;
    }

    /// <summary>Serves the Kurento protocol at <paramref name="pattern"/> (needs <c>UseWebSockets()</c> before).</summary>
    public static IEndpointConventionBuilder MapKurento(this IEndpointRouteBuilder endpoints, string pattern = "/kurento")
    {
        // Resolved per request so that a missing media factory is reported by the start-up check, not here. Out of
        // ASP.NET Core's request metrics: they label a request with its route, and the pattern is the control path, a
        // secret for a server on a shared network (/metrics is served to anyone who can reach the port).
        return endpoints.Map(pattern, context => context.RequestServices.GetRequiredService<KurentoWebSocketHandler>().HandleAsync(context))
            .DisableHttpMetrics();
    }
}
