using Microsoft.Extensions.Diagnostics.HealthChecks;
using One2One.Kurento;

namespace One2One.Server.Observability;

/// <summary>
/// Ready when the Kurento client has an open connection and a settled session with its media server. The client
/// connects on first use; a probe counts as a use, so readiness is known before the first call (and a media server
/// that is down is retried, with the client's backoff, from the first probe on).
/// </summary>
internal sealed class MediaServerSessionCheck(KurentoClient client) : IHealthCheck
{
    /// <summary>How long a probe waits for a connection that is not up yet; below the registration's timeout.</summary>
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(ConnectWait);
        try
        {
            await client.EnsureConnectedAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not connected within the wait: reported below, with the last connect error.
        }
        catch (ObjectDisposedException)
        {
            return HealthCheckResult.Unhealthy("The Kurento client is closed: the server is shutting down.");
        }

        var (isUp, lastError) = client.SessionState;
        var data = new Dictionary<string, object> { ["connected"] = isUp };
        return isUp
            ? HealthCheckResult.Healthy("The session with the media server is up.", data)
            : HealthCheckResult.Unhealthy(
                $"No session with the media server (not connected within {ConnectWait.TotalSeconds:0} s).", lastError, data);
    }
}
