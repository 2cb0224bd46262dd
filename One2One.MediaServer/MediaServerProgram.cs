using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using One2One.MediaServer.Hosting;
using One2One.MediaServer.Observability;

namespace One2One.MediaServer;

/// <summary>
/// The media server on its own: <c>dotnet run --project One2One.MediaServer -- --urls http://127.0.0.1:8888</c> serves
/// ws://127.0.0.1:8888/kurento, with <c>/healthz</c> (the process is alive) and <c>/metrics</c> (Prometheus) beside it.
/// </summary>
public static class MediaServerProgram
{
    public static async Task Main(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
    }

    /// <summary>The program's web application, configured and not started (tests start it on a port of their own).</summary>
    internal static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            // KMS's port, loopback only unless told otherwise.
            builder.WebHost.UseUrls("http://127.0.0.1:8888");
        }

        KurentoHost.ConfigureServices(builder.Services);
        builder.Services.AddHealthChecks();
        builder.Services.AddOne2OneTelemetry(
            builder.Configuration,
            "one2one-media-server",
            [MediaServerMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"]);
        var app = builder.Build();
        KurentoHost.ConfigurePipeline(app);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}
