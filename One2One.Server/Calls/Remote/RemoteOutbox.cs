using One2One.Server.Cluster;
using One2One.Server.Contracts;

namespace One2One.Server.Calls;

/// <summary>
/// The outbox of a call's participant whose page is connected to another node: what the call posts is captured as
/// <see cref="ClientDelivery"/> and delivered, in order and in batches, to that node (<see cref="INodeLink.Deliver"/>),
/// which posts it to the page's own bounded outbox. Bounded too: a node that cannot keep up
/// (<see cref="Limits.LimitsOptions.OutboxCapacity"/> messages behind) loses what overflows, as an unread page would.
/// </summary>
/// <remarks>
/// The queue is guarded by <see cref="_gate"/>; one drain loop at a time sends it (started by the post that finds none
/// running), so deliveries never overtake each other.
/// </remarks>
internal sealed class RemoteOutbox(CallMember member, INodeLink node, SiloAddress nodeAddress, int capacity, ILogger logger) : IUserOutbox
{
    private readonly Lock _gate = new();
    private readonly List<ClientDelivery> _queued = [];
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

    /// <summary>The participant's call slot goes free on its node (posted before the end it is told of).</summary>
    public bool PostLeftCall() => Enqueue(ClientDeliveries.LeftCall);

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    private bool Enqueue(ClientDelivery delivery)
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
            if (_draining)
            {
                return true;
            }

            _draining = true;
        }

        _ = DrainAsync();
        return true;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            ClientDelivery[] batch;
            lock (_gate)
            {
                if (_queued.Count == 0)
                {
                    _draining = false;
                    return;
                }

                batch = [.. _queued];
                _queued.Clear();
            }

            try
            {
                await node.Deliver(member, [.. batch]).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The node is out of reach (dying, or dead): membership will say so, and the call's home then holds the
                // participant for a resume. What could not be delivered is lost, as for a page whose connection dropped.
                RemoteLog.DeliveryFailed(logger, member.Name, member.CallId, batch.Length, ex);
            }
        }
    }
}
