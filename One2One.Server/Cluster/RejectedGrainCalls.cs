namespace One2One.Server.Cluster;

/// <summary>
/// Calls to the cluster's small stored grains (a call's record), which deactivate as soon as they are idle. A request
/// that reaches one while it deactivates is forwarded to its next activation, and when several nodes ask at once (the
/// survivors of a dead home, each taking its side of a call over) Orleans can reject it after two forwards. Asked again,
/// the grain activates anew: a rejected call is tried again, twice, a moment later.
/// </summary>
internal static class RejectedGrainCalls
{
    public const int Attempts = 3;

    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeProvider time)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (OrleansMessageRejectionException) when (attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25 * attempt), time).ConfigureAwait(false);
            }
        }
    }
}
