using Microsoft.AspNetCore.SignalR;
using One2One.Server.Calls;
using One2One.Server.Contracts;

namespace One2One.Server.Signaling;

/// <summary>
/// Sends a browser its messages one at a time, in the order they were posted. Every server-to-browser
/// message of a registered user goes through here, so a call's messages can never overtake each other
/// (an answer always reaches the browser before the media server's candidates for it, and a hang-up
/// after it). Posting never blocks; at most one send loop per connection owns the sending.
/// </summary>
/// <remarks>
/// Bounded (Limits:OutboxCapacity): a browser that stops reading makes the send loop wait on SignalR's backpressure
/// and its messages pile up here. Dropping one would break the order a call depends on, so when the outbox is full it
/// is closed and <c>overflowed</c> runs, once, to disconnect the browser.
/// <para>
/// Built for the idle user, which is nearly every registered connection nearly all the time: the send loop runs only
/// while messages wait (one parked on an empty queue costs an async state machine and a pending read), the queue is a
/// plain <see cref="Queue{T}"/> made by the first message and dropped when the loop finds it empty (a bounded channel
/// carries about 600 bytes of preallocated reader and writer state), and SignalR's proxy to the connection is looked up
/// by each run of the loop. All state is guarded by <see cref="_gate"/>; <see cref="_sending"/> is true while a loop
/// runs (or before <see cref="Start"/>), so two loops never run at once and the messages keep their order.
/// </para>
/// </remarks>
internal sealed class ClientOutbox : IUserOutbox
{
    private readonly Lock _gate = new();
    private readonly IHubContext<One2OneHub, IOne2OneClient> _hub;
    private readonly int _capacity;
    private readonly ILogger _logger;
    private readonly string _connectionId;
    private readonly Action<string> _overflowed;
    private Queue<Func<IOne2OneClient, Task>>? _messages;
    private bool _sending = true;
    private bool _closed;

    /// <param name="overflowed">Runs once, with the connection id, when the outbox overflows (one delegate for every outbox).</param>
    public ClientOutbox(IHubContext<One2OneHub, IOne2OneClient> hub, string connectionId, int capacity, Action<string> overflowed, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _hub = hub;
        _capacity = capacity;
        _connectionId = connectionId;
        _overflowed = overflowed;
        _logger = logger;
    }

    /// <summary>Whether the outbox holds nothing but itself: no send loop running, no queue (tests).</summary>
    internal bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return !_sending && _messages is null;
            }
        }
    }

    /// <summary>Starts sending. Until then messages are only queued, so a registration can queue its
    /// acceptance first and still withdraw it if the name turns out to be taken.</summary>
    public void Start()
    {
        bool start;
        lock (_gate)
        {
            start = _messages is { Count: > 0 };
            _sending = start;
        }

        if (start)
        {
            _ = Task.Run(SendLoopAsync);
        }
    }

    /// <summary>Queues a message; false once the connection has gone or the outbox overflowed.</summary>
    public bool Post(Func<IOne2OneClient, Task> send)
    {
        bool start = false, overflowed = false;
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _messages ??= new Queue<Func<IOne2OneClient, Task>>();
            if (_messages.Count >= _capacity)
            {
                // Closed by this post, the only one that reports the overflow. What is queued is still sent.
                _closed = overflowed = true;
            }
            else
            {
                _messages.Enqueue(send);
                start = !_sending;
                _sending = true;
            }
        }

        if (overflowed)
        {
            _overflowed(_connectionId);
            return false;
        }

        if (start)
        {
            _ = Task.Run(SendLoopAsync);
        }

        return true;
    }

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    private async Task SendLoopAsync()
    {
        // SignalR's proxy to the connection, made per run rather than kept: an idle user holds none.
        var client = _hub.Clients.Client(_connectionId);
        while (TryTakeNext(out var send))
        {
            try
            {
                await send(client).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                SignalingLog.SendFailed(_logger, _connectionId, ex);
            }
        }
    }

    /// <summary>The next message, or false (and the loop ends) when none waits.</summary>
    private bool TryTakeNext(out Func<IOne2OneClient, Task> send)
    {
        lock (_gate)
        {
            if (_messages is not null && _messages.TryDequeue(out send!))
            {
                return true;
            }

            // A burst (a call's candidates) may have grown the queue; an idle user keeps none of it.
            _messages = null;
            send = null!;
            _sending = false;
            return false;
        }
    }
}
