namespace One2One.Kurento.Internal;

/// <summary>
/// Starts a long-lived loop that serves every caller (connecting, dispatching events) without the execution context of
/// the caller that happened to start it: no call's activity, log scope or request state rides along for its lifetime.
/// </summary>
internal static class DetachedTask
{
    public static Task<T> Run<T>(Func<Task<T>> loop)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return Task.Run(loop);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(loop);
        }
    }

    public static Task Run(Func<Task> loop) => Run(async () =>
    {
        await loop().ConfigureAwait(false);
        return true;
    });
}
