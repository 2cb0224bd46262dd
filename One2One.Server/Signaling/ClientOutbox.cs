using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace One2One.Server.Signaling;

/// <summary>
/// Sends a browser its messages one at a time, in the order they were posted. Every server-to-browser
/// message of a registered user goes through here, so a call's messages can never overtake each other
/// (an answer always reaches the browser before the media server's candidates for it, and a hang-up
/// after it). Posting never blocks; one send loop per connection owns the sending.
/// </summary>
internal sealed class ClientOutbox
{
    private readonly Channel<Func<IOne2OneClient, Task>> _messages =
        Channel.CreateUnbounded<Func<IOne2OneClient, Task>>(new UnboundedChannelOptions { SingleReader = true });

    private readonly IOne2OneClient _client;
    private readonly ILogger _logger;
    private readonly string _connectionId;

    public ClientOutbox(IHubContext<One2OneHub, IOne2OneClient> hub, string connectionId, ILogger logger)
    {
        _client = hub.Clients.Client(connectionId);
        _connectionId = connectionId;
        _logger = logger;
    }

    /// <summary>Starts sending. Until then messages are only queued, so a registration can queue its
    /// acceptance first and still withdraw it if the name turns out to be taken.</summary>
    public void Start() => _ = Task.Run(SendLoopAsync);

    /// <summary>Queues a message; false once the connection has gone.</summary>
    public bool Post(Func<IOne2OneClient, Task> send) => _messages.Writer.TryWrite(send);

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
