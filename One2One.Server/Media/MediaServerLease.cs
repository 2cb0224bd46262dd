namespace One2One.Server.Media;

/// <summary>A call's place on one media server of the pool; disposing it (once, when the call's media is released) frees the place.</summary>
internal sealed class MediaServerLease(MediaServerMember server) : IDisposable
{
    private int _released;

    public MediaServerMember Server { get; } = server;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Server.Release();
        }
    }
}
