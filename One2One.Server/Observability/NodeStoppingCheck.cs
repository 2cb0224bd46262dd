using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace One2One.Server.Observability;

/// <summary>
/// Not ready once the node has begun to stop (SIGTERM, Ctrl+C): a load balancer or orchestrator that probes readiness
/// sends it no new connections while its listener is still open (its pages' reconnections, above all, would otherwise
/// land on it again and lose their connection a second time).
/// </summary>
internal sealed class NodeStoppingCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("The node is stopping.")
            : HealthCheckResult.Healthy());
}
