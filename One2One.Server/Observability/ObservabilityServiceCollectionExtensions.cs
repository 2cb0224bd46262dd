using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using One2One.Kurento;
using One2One.Kurento.Internal;
using One2One.MediaServer.Observability;
using One2One.Server.Calls;
using OpenTelemetry.Trace;

namespace One2One.Server.Observability;

internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>Health checks with this tag run for <c>/readyz</c>: add a cluster's or Redis's check with it.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The meters exported: ours, the embedded media server's, and ASP.NET Core's own (requests, Kestrel, SignalR connections).</summary>
    private static readonly string[] Meters =
    [
        One2OneMetrics.MeterName,
        TelemetrySetup.MediaServerMeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
    ];

    /// <summary>
    /// Metrics (<see cref="One2OneMetrics"/>, Prometheus at <c>/metrics</c>), health checks (<c>/healthz</c>, <c>/readyz</c>) and,
    /// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, OTLP export of metrics and of the calls' traces.
    /// </summary>
    public static IServiceCollection AddOne2OneObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp =>
        {
            var users = sp.GetRequiredService<UserRegistry>();
            return new One2OneMetrics(sp.GetRequiredService<IMeterFactory>(), () => users.Count);
        });
        services.AddHealthChecks()
            .AddCheck<MediaServerSessionCheck>("media-server", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(5))
            .AddCheck<NodeStoppingCheck>("stopping", HealthStatus.Unhealthy, [ReadyTag]);

        var telemetry = services.AddOne2OneTelemetry(configuration, "one2one", Meters);
        if (TelemetrySetup.IsOtlpConfigured(configuration))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(CallTrace.SourceName, KurentoClient.ActivitySourceName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsObservabilityPath(context.Request.Path) && !IsMediaControlPath(context.Request.Path))
                .AddOtlpExporter(otlp => TelemetrySetup.DefaultToHttp(otlp, configuration)));
        }

        return services;
    }

    /// <summary><c>/healthz</c> (alive), <c>/readyz</c> (every check tagged <see cref="ReadyTag"/>) and <c>/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapOne2OneObservability(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportWriter.WriteAsync });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = HealthReportWriter.WriteAsync });
        endpoints.MapPrometheusScrapingEndpoint();
        return endpoints;
    }

    /// <summary>
    /// The embedded media server's control socket (<c>/&lt;secret&gt;/kurento</c>). ASP.NET Core's activities are
    /// process-wide, so its request would be traced with the secret in <c>url.path</c>; the app itself serves no such path.
    /// </summary>
    private static bool IsMediaControlPath(PathString path) =>
        path.Value?.EndsWith("/kurento", StringComparison.Ordinal) == true;

    private static bool IsObservabilityPath(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");
}
