using System.Collections.Immutable;
using One2One.Server.Cluster;
using One2One.Server.Contracts;

namespace One2One.Server.Calls;

/// <summary>
/// The outbox of a call's participant whose page is connected to another node: what the call posts is captured as
/// <see cref="ClientDelivery"/> and delivered, in order and in numbered batches, to that node
/// (<see cref="INodeLink.Deliver"/>), which posts it to the page's own bounded outbox. Bounded too: a node that cannot
/// keep up (<see cref="Limits.LimitsOptions.OutboxCapacity"/> messages behind) loses what overflows, as an unread page
/// would.
/// </summary>
/// <remarks>
/// <para>
/// The queue is guarded by <see cref="_gate"/>; one drain loop at a time sends it (started by the post that finds none
/// running, on the thread pool: what a call posts in one step, such as a LeftCall and the end's notice under the call's
/// gate, goes in one batch, and no send runs under that gate), so deliveries never overtake each other.
/// </para>
/// <para>
/// A batch that fails (a connection between the nodes dropped, a node that stalled past the response timeout) is sent
/// again, the same batch under the same number, after each of <paramref name="retryDelays"/>; later ones wait behind it,
/// so while it is tried again the page gets no candidate without the answer before it. The member's node passes a number
/// on once (an attempt that failed only on its way back arrived all the same). Past the last delay the batch is given
/// up, as for a page whose connection dropped: by then the cluster has declared a dead node dead. Each attempt may take
/// Orleans' response timeout against a node that stalls; the outbox's capacity bounds what waits meanwhile.
/// </para>
/// </remarks>
internal sealed class RemoteOutbox(
    CallMember member, INodeLink node, SiloAddress nodeAddress, int capacity, IReadOnlyList<TimeSpan> retryDelays, TimeProvider time, ILogger logger)
    : IUserOutbox
{
    private readonly Lock _gate = new();
    private readonly Guid _sender = Guid.NewGuid();
    private long _sent;
    private readonly List<ClientDelivery> _queued = [];
    private readonly List<TaskCompletionSource> _leftCallSent = [];
    private bool _draining;
    private bool _closed;

    public CallMember Member => member;

    /// <summary>The node the participant's page is connected to.</summary>
    public SiloAddress Node => nodeAddress;

    public INodeLink Link => node;

    public void Start()
    {
        // Sends from the first post: the call that made it has already been joined on the participant's node.
    }

    public bool Post(Func<IOne2OneClient, Task> send) => Enqueue(ClientDeliveries.Capture(send));

    /// <summary>
    /// The participant's call slot goes free on its node (posted before the end it is told of). The task completes once the
    /// batch holding it has been handed to that node (or could not be): a new call from this node to the participant waits
    /// for it, so the participant's node does not find the slot still taken by the call that ended.
    /// </summary>
    public Task PostLeftCall()
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Enqueue(ClientDeliveries.LeftCall, sent) ? sent.Task : Task.CompletedTask;
    }

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    /// <param name="sent">Completed once the batch holding <paramref name="delivery"/> has been handed over (or failed).</param>
    private bool Enqueue(ClientDelivery delivery, TaskCompletionSource? sent = null)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            if (_queued.Count >= capacity)
            {
                _closed = true;
                RemoteLog.DeliveryOverflowed(logger, member.Name, member.CallId, capacity);
                return false;
            }

            _queued.Add(delivery);
            if (sent is not null)
            {
                _leftCallSent.Add(sent);
            }

            if (_draining)
            {
                return true;
            }

            _draining = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static outbox => _ = outbox.DrainAsync(), this, preferLocal: true);
        return true;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            ClientDelivery[] batch;
            TaskCompletionSource[] sent;
            lock (_gate)
            {
                if (_queued.Count == 0)
                {
                    _draining = false;
                    return;
                }

                batch = [.. _queued];
                _queued.Clear();
                sent = [.. _leftCallSent];
                _leftCallSent.Clear();
            }

            await SendAsync(new DeliveryBatch(_sender, ++_sent), [.. batch]).ConfigureAwait(false);
            foreach (var waiter in sent)
            {
                waiter.SetResult();
            }
        }
    }

    /// <summary>Sends one batch, and again after each retry delay while it fails (only the drain loop calls it).</summary>
    private async Task SendAsync(DeliveryBatch batch, ImmutableArray<ClientDelivery> messages)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await node.Deliver(member, batch, messages).ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                if (attempt >= retryDelays.Count)
                {
                    // The node is out of reach (dead, or cut off for longer than a node may be): membership says so, and
                    // the call's home then holds the participant for a resume. What could not be delivered is lost, as
                    // for a page whose connection dropped.
                    RemoteLog.DeliveryFailed(logger, member.Name, member.CallId, messages.Length, ex);
                    return;
                }

                RemoteLog.DeliveryRetried(logger, member.Name, member.CallId, batch.Number, ex.Message);
            }

            await Task.Delay(retryDelays[attempt], time).ConfigureAwait(false);
        }
    }
}
