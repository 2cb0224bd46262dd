using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using One2One.MediaServer.Hosting;
using One2One.MediaServer.Observability;

namespace One2One.MediaServer;

/// <summary>
/// The media server on its own: <c>dotnet run --project One2One.MediaServer -- --urls http://127.0.0.1:8888</c> serves
/// ws://127.0.0.1:8888/kurento (or <c>MediaServer:ControlPath</c>), with <c>/healthz</c> (the process is alive) and
/// <c>/metrics</c> (Prometheus) beside it.
/// </summary>
public static class MediaServerProgram
{
    /// <summary>The standalone server's media ports unless configured: fixed, so a firewall can open them (UDP and TCP 40000).</summary>
    public const int DefaultMediaPort = 40000;

    public static async Task Main(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
    }

    /// <summary>The program's web application, configured and not started (tests start it on a port of their own).</summary>
    /// <param name="logging">More logging (a test's recorder), applied after the program's own.</param>
    internal static WebApplication Build(string[] args, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            // KMS's port, loopback only unless told otherwise.
            builder.WebHost.UseUrls("http://127.0.0.1:8888");
        }

        // First, so that appsettings, the environment and the command line all override it.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                [$"{MediaServerOptions.SectionName}:{nameof(MediaServerOptions.UdpPort)}"] = $"{DefaultMediaPort}",
                [$"{MediaServerOptions.SectionName}:{nameof(MediaServerOptions.TcpPort)}"] = $"{DefaultMediaPort}",
            },
        });

        KurentoHost.ConfigureServices(builder.Services);
        var controlPath = builder.Configuration[$"{MediaServerOptions.SectionName}:{nameof(MediaServerOptions.ControlPath)}"];
        if (!string.IsNullOrEmpty(controlPath) && controlPath != MediaServerOptions.DefaultControlPath)
        {
            // A secret path: no request line may carry it into the log (nor a scope on every line of the connection),
            // whatever levels the operator sets, per provider too.
            foreach (var category in RequestPathFreeLoggerFactory.PathLoggingCategories)
            {
                builder.Services.KeepQuiet(category, LogLevel.None);
            }
        }

        logging?.Invoke(builder.Logging);
        builder.Services.AddHealthChecks();
        builder.Services.AddOne2OneTelemetry(
            builder.Configuration,
            "one2one-media-server",
            [MediaServerMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"]);
        var app = builder.Build();
        KurentoHost.ConfigurePipeline(app, app.Services.GetRequiredService<IOptions<MediaServerOptions>>().Value.ControlPath);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}
