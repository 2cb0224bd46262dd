using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using One2One.MediaServer.Observability;

namespace One2One.MediaServer.Hosting;

/// <summary>The web host shape shared by the standalone program and <see cref="EmbeddedMediaServer"/>.</summary>
internal static class KurentoHost
{
    public static void ConfigureServices(IServiceCollection services) => services.AddKurentoMediaServer();

    /// <param name="path">Where the protocol is served; the standalone server uses KMS's <c>/kurento</c>.</param>
    public static void ConfigurePipeline(WebApplication app, string path = "/kurento")
    {
        // KMS sends no pings of its own; keep-alive pings from the server side keep proxies from idling the socket.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.MapKurento(path);

        // Observable instruments exist once their meter object does: made now, not at the first endpoint.
        app.Services.GetRequiredService<MediaServerMetrics>();
    }
}
