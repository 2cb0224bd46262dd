using Microsoft.Extensions.Diagnostics.HealthChecks;
using One2One.Server.Media;

namespace One2One.Server.Observability;

/// <summary>
/// Ready when at least one media server of the pool has an open connection and a settled session: calls can be placed.
/// Each Kurento client connects on first use; a probe counts as a use, so readiness is known before the first call (and a
/// media server that is down is retried, with the client's backoff, from the first probe on). The data names each server,
/// whether it is connected and how many calls it holds; a pool with a server down is still ready, and says which.
/// </summary>
internal sealed class MediaServerSessionCheck(MediaServerPool pool) : IHealthCheck
{
    /// <summary>How long a probe waits for a connection that is not up yet; below the registration's timeout.</summary>
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(ConnectWait);
        try
        {
            await Task.WhenAll(pool.Members.Select(m => ConnectAsync(m, wait.Token))).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return HealthCheckResult.Unhealthy("The Kurento client is closed: the server is shutting down.");
        }

        var states = pool.Members.Select(m => (Member: m, State: m.Client.SessionState)).ToList();
        var up = states.Count(s => s.State.IsUp);
        var data = new Dictionary<string, object>
        {
            ["connected"] = up > 0,
            ["servers"] = states.Select(s => new Dictionary<string, object>
            {
                ["address"] = s.Member.Address, ["connected"] = s.State.IsUp, ["calls"] = s.Member.ActiveCalls,
            }).ToList(),
        };
        if (up == 0)
        {
            return HealthCheckResult.Unhealthy(
                $"No session with the media server (not connected within {ConnectWait.TotalSeconds:0} s).", states[0].State.LastError, data);
        }

        return up == states.Count
            ? HealthCheckResult.Healthy(states.Count == 1 ? "The session with the media server is up." : $"All {up} media servers are up.", data)
            : HealthCheckResult.Healthy(
                $"{up} of {states.Count} media servers are up; down: {string.Join(", ", states.Where(s => !s.State.IsUp).Select(s => s.Member.Address))}.", data);
    }

    private static async Task ConnectAsync(MediaServerMember member, CancellationToken wait)
    {
        try
        {
            await member.Client.EnsureConnectedAsync(wait).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            // Not connected within the wait: reported with the last connect error.
        }
    }
}
