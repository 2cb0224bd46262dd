namespace One2One.Server.Cluster;

/// <summary>
/// Waiting, within a bound, for work that involves other nodes or the cluster's storage (a call's record written, a dead
/// node's calls taken over, a node told a person left a call): past the bound the caller goes on, and the work's own
/// failure, if any, is reported where it fails. For tasks that do not fault.
/// </summary>
internal static class BoundedWaits
{
    public static async Task WaitAtMostAsync(this Task work, TimeSpan limit, TimeProvider time)
    {
        try
        {
            await work.WaitAsync(limit, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still on its way: go on without it.
        }
    }
}
