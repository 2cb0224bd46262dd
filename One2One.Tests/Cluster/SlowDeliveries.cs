using System.Collections.Concurrent;
using System.Collections.Immutable;
using One2One.Server.Cluster;

namespace One2One.Tests.Cluster;

/// <summary>
/// An Orleans outgoing call filter for a node that makes one kind of request to another node (<see cref="Method"/>, by
/// default what it delivers to the other node's people, <see cref="INodeLink.Deliver"/>) arrive late, as over a slow
/// network between nodes; every other call goes at once.
/// </summary>
internal sealed class SlowDeliveries : IOutgoingGrainCallFilter
{
    /// <summary>How late each delivery leaves; zero (the default) for none.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>
    /// While set, <see cref="Method"/>'s calls also wait for this task (a test decides when they leave; a faulted one makes
    /// them fail, as a message lost between nodes).
    /// </summary>
    public Task? HoldUntil { get; set; }

    private int _held;

    /// <summary>How many calls have waited for <see cref="HoldUntil"/>.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>The grain interface whose <see cref="Method"/> is made late (by default what one node asks of another).</summary>
    public Type Interface { get; set; } = typeof(INodeLink);

    /// <summary>The method of <see cref="Interface"/> made late.</summary>
    public string Method { get; set; } = nameof(INodeLink.Deliver);

    private int _toFail;
    private int _answersToLose;
    private int _arrived;

    /// <summary>The next <paramref name="count"/> of <see cref="Method"/>'s calls fail before they leave (a connection between the nodes dropped).</summary>
    public void FailNext(int count) => Volatile.Write(ref _toFail, count);

    /// <summary>The next <paramref name="count"/> of <see cref="Method"/>'s calls arrive, and then fail as if their answer had been lost.</summary>
    public void LoseAnswerOfNext(int count) => Volatile.Write(ref _answersToLose, count);

    /// <summary>How many of <see cref="Method"/>'s calls have arrived at the other node (answered or not).</summary>
    public int Arrived => Volatile.Read(ref _arrived);

    /// <summary>The page callbacks in the <see cref="INodeLink.Deliver"/> calls that arrived, in order (a call that returned was handled there).</summary>
    public ConcurrentQueue<ClientMethod> ArrivedMessages { get; } = new();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == Interface && context.MethodName == Method)
        {
            if (TakeOne(ref _toFail))
            {
                throw new TimeoutException("lost between the nodes on its way");
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay);
            }

            if (HoldUntil is { } hold)
            {
                Interlocked.Increment(ref _held);
                // Bounded: a test that fails before it lets the delivery go must not leave it held in the silo for ever.
                await hold.WaitAsync(TimeSpan.FromMinutes(1));
            }

            await context.Invoke();
            Interlocked.Increment(ref _arrived);
            if (Method == nameof(INodeLink.Deliver) && context.Request.GetArgument(2) is ImmutableArray<ClientDelivery> messages)
            {
                foreach (var message in messages)
                {
                    ArrivedMessages.Enqueue(message.Method);
                }
            }

            if (TakeOne(ref _answersToLose))
            {
                throw new TimeoutException("the answer was lost between the nodes");
            }

            return;
        }

        await context.Invoke();
    }

    private static bool TakeOne(ref int count)
    {
        while (Volatile.Read(ref count) is var left and > 0)
        {
            if (Interlocked.CompareExchange(ref count, left - 1, left) == left)
            {
                return true;
            }
        }

        return false;
    }
}
