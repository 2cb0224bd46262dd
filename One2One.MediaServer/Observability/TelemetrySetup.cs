using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace One2One.MediaServer.Observability;

/// <summary>
/// OpenTelemetry as both One2One programs (the application and the standalone media server) set it up: metrics
/// scraped by Prometheus at <c>/metrics</c>, and exported over OTLP too when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The media server's meter (its instruments are <c>one2one.media.*</c>).</summary>
    public const string MediaServerMeterName = "One2One.MediaServer";

    /// <summary>The standard variable (also read from any configuration source): where an OTLP collector listens.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The standard variable choosing <c>grpc</c> or <c>http/protobuf</c>; we default to http/protobuf, as the OTLP specification does.</summary>
    public const string OtlpProtocolKey = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>The OpenTelemetry SDK's name for its <see cref="IMetricsListener"/>.</summary>
    private const string OpenTelemetryListener = "OpenTelemetry";

    public static bool IsOtlpConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);

    /// <summary>
    /// Metrics of the meters named (and the runtime's), exported to Prometheus and, when configured, to OTLP. The meters
    /// are enabled for this container's <see cref="System.Diagnostics.Metrics.IMeterFactory"/> only
    /// (<see cref="MeterScope.Local"/>): two hosts in one process (tests) each export their own.
    /// </summary>
    public static OpenTelemetryBuilder AddOne2OneTelemetry(
        this IServiceCollection services, IConfiguration configuration, string serviceName, IEnumerable<string> meters)
    {
        services.AddMetrics(metrics =>
        {
            foreach (var meter in meters)
            {
                metrics.EnableMetrics(meter, instrumentName: null, listenerName: OpenTelemetryListener, scopes: MeterScope.Local);
            }
        });

        return services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddRuntimeInstrumentation().AddPrometheusExporter();
                if (IsOtlpConfigured(configuration))
                {
                    metrics.AddOtlpExporter(otlp => DefaultToHttp(otlp, configuration));
                }
            });
    }

    /// <summary>http/protobuf unless <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> says otherwise (the .NET exporter's own default is gRPC).</summary>
    public static void DefaultToHttp(OtlpExporterOptions options, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[OtlpProtocolKey]))
        {
            // The endpoint itself stays as read from configuration, so the exporter still appends /v1/metrics or /v1/traces.
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
        }
    }
}
