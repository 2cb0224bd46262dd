using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace One2One.MediaServer.Hosting;

/// <summary>The web host shape shared by the standalone program and <see cref="EmbeddedMediaServer"/>.</summary>
internal static class KurentoHost
{
    public static void ConfigureServices(IServiceCollection services) => services.AddKurentoMediaServer();

    public static void ConfigurePipeline(WebApplication app)
    {
        // KMS sends no pings of its own; keep-alive pings from the server side keep proxies from idling the socket.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.MapKurento();
    }
}
