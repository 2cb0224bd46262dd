using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using One2One.MediaServer.Observability;

namespace One2One.MediaServer.Hosting;

/// <summary>The web host shape shared by the standalone program and <see cref="EmbeddedMediaServer"/>.</summary>
internal static class KurentoHost
{
    public static void ConfigureServices(IServiceCollection services) => services.AddKurentoMediaServer();

    /// <param name="path">Where the protocol is served; the standalone server uses KMS's <c>/kurento</c>.</param>
    public static void ConfigurePipeline(WebApplication app, string path = "/kurento")
    {
        // KMS sends no pings of its own; ours keep proxies from idling the socket, and a socket whose client stopped
        // answering them (its host gone, its process frozen) is dropped, so its session's collection starts.
        var options = app.Services.GetRequiredService<IOptions<MediaServerOptions>>().Value;
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.ControlKeepAliveInterval, KeepAliveTimeout = options.ControlKeepAliveTimeout });
        app.MapKurento(path);

        // Observable instruments exist once their meter object does: made now, not at the first endpoint.
        app.Services.GetRequiredService<MediaServerMetrics>();
    }
}
