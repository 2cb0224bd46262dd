using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace One2One.Server.Signaling;

/// <summary>
/// Sends a browser its messages one at a time, in the order they were posted. Every server-to-browser
/// message of a registered user goes through here, so a call's messages can never overtake each other
/// (an answer always reaches the browser before the media server's candidates for it, and a hang-up
/// after it). Posting never blocks; one send loop per connection owns the sending.
/// </summary>
/// <remarks>
/// Bounded (Limits:OutboxCapacity): a browser that stops reading makes the send loop wait on SignalR's backpressure
/// and its messages pile up here. Dropping one would break the order a call depends on, so when the outbox is full it
/// is closed and <c>overflowed</c> runs, once, to disconnect the browser.
/// </remarks>
internal sealed class ClientOutbox
{
    private readonly Channel<Func<IOne2OneClient, Task>> _messages;
    private readonly IOne2OneClient _client;
    private readonly ILogger _logger;
    private readonly string _connectionId;
    private readonly Action _overflowed;

    public ClientOutbox(IHubContext<One2OneHub, IOne2OneClient> hub, string connectionId, int capacity, Action overflowed, ILogger logger)
    {
        _messages = Channel.CreateBounded<Func<IOne2OneClient, Task>>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _client = hub.Clients.Client(connectionId);
        _connectionId = connectionId;
        _overflowed = overflowed;
        _logger = logger;
    }

    /// <summary>Starts sending. Until then messages are only queued, so a registration can queue its
    /// acceptance first and still withdraw it if the name turns out to be taken.</summary>
    public void Start() => _ = Task.Run(SendLoopAsync);

    /// <summary>Queues a message; false once the connection has gone or the outbox overflowed.</summary>
    public bool Post(Func<IOne2OneClient, Task> send)
    {
        if (_messages.Writer.TryWrite(send))
        {
            return true;
        }

        // Full, or already closed: only the post that closes it reports the overflow.
        if (_messages.Writer.TryComplete())
        {
            _overflowed();
        }

        return false;
    }

    public void Close() => _messages.Writer.TryComplete();

    private async Task SendLoopAsync()
    {
        await foreach (var send in _messages.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await send(_client).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                SignalingLog.SendFailed(_logger, _connectionId, ex);
            }
        }
    }
}
