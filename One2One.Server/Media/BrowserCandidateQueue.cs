using System.Threading.Channels;
using One2One.Kurento;

namespace One2One.Server.Media;

/// <summary>
/// One browser's ICE candidates on their way to its WebRtcEndpoint. They are kept, in order, until the
/// endpoint exists, then applied one at a time by a single pump; none is lost in between (the tutorial's
/// lost-candidate bugs came from clearing or bypassing such a queue). Bounded: past the limit new
/// candidates are dropped and counted.
/// </summary>
internal sealed class BrowserCandidateQueue(int capacity)
{
    private readonly Channel<KurentoIceCandidate> _candidates = Channel.CreateBounded<KurentoIceCandidate>(
        new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private int _dropped;

    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Queues a candidate; false when the queue is full or closed.</summary>
    public bool TryAdd(KurentoIceCandidate candidate)
    {
        if (_candidates.Writer.TryWrite(candidate))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    public void Close() => _candidates.Writer.TryComplete();

    /// <summary>Applies queued and future candidates to <paramref name="endpoint"/> in order until closed or cancelled.</summary>
    public async Task PumpAsync(WebRtcEndpoint endpoint, Action<KurentoIceCandidate, Exception> onRejected, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var candidate in _candidates.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await endpoint.AddIceCandidateAsync(candidate, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Refused (e.g. 40401), or the client is gone: one candidate lost, the call decides its own fate.
                    onRejected(candidate, ex);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
