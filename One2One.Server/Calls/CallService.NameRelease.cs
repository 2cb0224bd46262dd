namespace One2One.Server.Calls;

/// <summary>
/// Freeing a name's cluster-wide claim when its registration ends, or when a claim's answer was lost: a claim left behind
/// keeps the name taken by nobody until its node leaves the cluster, so a failed release is tried again in the background.
/// </summary>
internal sealed partial class CallService
{
    /// <summary>How long a failed release of a name's claim waits before each new attempt (about five minutes in all).</summary>
    private static readonly TimeSpan[] NameReleaseRetryDelays =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30),
         TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)];

    /// <summary>
    /// Frees <paramref name="name"/>'s claim if <paramref name="registration"/> still holds it (a later holder is left alone,
    /// so a late attempt is harmless). The cluster out of reach, it tries again in the background
    /// (<see cref="NameReleaseRetryDelays"/>): a claim left behind would keep the name taken by nobody until this node
    /// leaves the cluster. Never throws.
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
        for (var attempt = 0; attempt < NameReleaseRetryDelays.Length; attempt++)
        {
            await Task.Delay(NameReleaseRetryDelays[attempt], _time).ConfigureAwait(false);
            try
            {
                await _names.ReleaseAsync(name, registration).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt == NameReleaseRetryDelays.Length - 1)
            {
                CallsLog.NameReleaseGivenUp(_logger, name, attempt + 2, ex);
            }
            catch (Exception)
            {
                // Logged once, at the first failure; the next attempt follows its delay.
            }
        }
    }
}
