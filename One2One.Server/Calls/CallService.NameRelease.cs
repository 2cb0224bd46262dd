namespace One2One.Server.Calls;

/// <summary>
/// Freeing a name's cluster-wide claim when its registration ends, or when a claim's answer was lost: a claim left behind
/// keeps the name taken by nobody until its node leaves the cluster, so a failed release is tried again in the background.
/// </summary>
internal sealed partial class CallService
{
    /// <summary>
    /// How long a failed release of a name's claim waits before each new attempt; the last delay repeats until the release
    /// succeeds or this node stops (a claim given up would keep the name taken until this node leaves the cluster).
    /// </summary>
    private static readonly TimeSpan[] NameReleaseRetryDelays =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30),
         TimeSpan.FromMinutes(1)];

    /// <summary>The attempt after which a release still failing is logged as an error (about five minutes in).</summary>
    private const int NameReleaseLoudAttempt = 8;

    /// <summary>Cancelled once, as this node stops (<see cref="StopRetries"/>): the releases still being tried give up.</summary>
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// This node stops (<c>CallShutdown</c>): releases still being tried in the background end, as its silo leaves the
    /// cluster and a claim of a node that left holds no name.
    /// </summary>
    public void StopRetries() => _stopping.Cancel();

    /// <summary>
    /// Frees <paramref name="name"/>'s claim if <paramref name="registration"/> still holds it (a later holder is left alone,
    /// so a late attempt is harmless). The cluster out of reach, it tries again in the background
    /// (<see cref="NameReleaseRetryDelays"/>) until it succeeds or this node stops: a claim left behind would keep the name
    /// taken by nobody until this node leaves the cluster. Never throws.
    /// </summary>
    private async Task FreeNameAsync(string name, string registration)
    {
        try
        {
            await _names.ReleaseAsync(name, registration).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CallsLog.NameReleaseFailed(_logger, name, ex);
            _ = FreeNameLaterAsync(name, registration);
        }
    }

    /// <summary>
    /// A claim whose answer never came: freed now, and again once the request can no longer arrive late (Orleans drops a
    /// request older than its response timeout, 30 s by default, rather than run it).
    /// </summary>
    private async Task FreeLostClaimAsync(string name, string registration)
    {
        await FreeNameAsync(name, registration).ConfigureAwait(false);
        await Task.Delay(LostClaimExpiry, _time).ConfigureAwait(false);
        try
        {
            // Once: a failure here is the cluster out of reach, and the first release's retries are still at it.
            await _names.ReleaseAsync(name, registration).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CallsLog.NameReleaseFailed(_logger, name, ex);
        }
    }

    private static readonly TimeSpan LostClaimExpiry = TimeSpan.FromSeconds(35);

    private async Task FreeNameLaterAsync(string name, string registration)
    {
        var stopping = _stopping.Token;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await Task.Delay(NameReleaseRetryDelays[Math.Min(attempt, NameReleaseRetryDelays.Length - 1)], _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await _names.ReleaseAsync(name, registration).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt == NameReleaseLoudAttempt)
            {
                CallsLog.NameReleaseStillFailing(_logger, name, attempt + 2, ex);
            }
            catch (Exception)
            {
                // Logged at the first failure and once more if it lasts; the next attempt follows its delay.
            }
        }
    }
}
