using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace One2One.MediaServer.Protocol;

/// <summary>
/// One control WebSocket. A single receive loop reads messages (text or binary frames, at most
/// <see cref="MediaServerOptions.MaxMessageBytes"/>) and processes them one at a time, in order; a single writer
/// loop sends every reply and event from one bounded channel, so frames never interleave.
/// Replies wait for room in the channel (back-pressure on this client's own receive loop). Events never wait:
/// when the queue is full the client is not keeping up, and the socket is aborted; its session survives for
/// <see cref="MediaServerOptions.SessionCollectTimeout"/> so the client can resume with <c>connect {sessionId}</c>.
/// <see cref="Session"/> is read and written by the receive loop only.
/// </summary>
internal sealed class ControlConnection
{
    private const int InitialBufferBytes = 4096;

    /// <summary>
    /// Bytes of frames queued for one socket past which one more event disconnects it, whatever
    /// <see cref="MediaServerOptions.EventQueueCapacity"/> says: an event can carry its object's tags (up to 16,384
    /// characters, six bytes each escaped) for a subscriber that asked for them, so a count of frames alone bounds nothing.
    /// </summary>
    public const int MaxQueuedBytes = 16 * 1024 * 1024;

    private readonly WebSocket _socket;
    private readonly KurentoRequestProcessor _processor;
    private readonly KurentoSessionRegistry _sessions;
    private readonly MediaServerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _outbound;
    // Not disposed: media threads may still cancel it after the socket closed; it is linked to the request only.
    private readonly CancellationTokenSource _aborted;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string? _closeDescription;
    private volatile bool _completing;
    private int _overflowReported;
    private long _queuedBytes; // frames written to _outbound and not yet sent (Interlocked)

    public ControlConnection(
        WebSocket socket,
        KurentoRequestProcessor processor,
        KurentoSessionRegistry sessions,
        MediaServerOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        CancellationToken requestAborted)
    {
        _socket = socket;
        _processor = processor;
        _sessions = sessions;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.EventQueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
    }

    public string ConnectionId { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>The session this socket is bound to (events of that session come here). Receive loop only.</summary>
    public KurentoSession? Session { get; set; }

    /// <summary>Queues an event frame; any thread, never blocks. Dropped once the socket is closing.</summary>
    public void EnqueueEvent(byte[] frame)
    {
        if (_completing)
        {
            return;
        }

        if (Interlocked.Add(ref _queuedBytes, frame.Length) <= MaxQueuedBytes && _outbound.Writer.TryWrite(frame))
        {
            return;
        }

        Interlocked.Add(ref _queuedBytes, -frame.Length);

        if (_completing || Interlocked.Exchange(ref _overflowReported, 1) != 0)
        {
            return;
        }

        ControlProtocolLog.EventQueueFull(_logger, ConnectionId, _options.EventQueueCapacity);
        _completing = true;
        _ = _aborted.CancelAsync();
    }

    /// <summary>Serves the socket until it closes; unbinds the session on the way out.</summary>
    public async Task RunAsync()
    {
        ControlProtocolLog.ConnectionOpened(_logger, ConnectionId);
        var writer = WriteLoopAsync();
        try
        {
            await ReceiveLoopAsync(_aborted.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            ControlProtocolLog.ConnectionFailed(_logger, ConnectionId, ex.Message);
        }
        finally
        {
            _completing = true;
            _outbound.Writer.TryComplete();
            await writer.ConfigureAwait(false);
            _sessions.Unbind(this);
            ControlProtocolLog.ConnectionClosed(_logger, ConnectionId);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        try
        {
            var count = 0;
            while (true)
            {
                if (count == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _options.MaxMessageBytes + 1));
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var received = await _socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                count += received.Count;
                if (count > _options.MaxMessageBytes)
                {
                    ControlProtocolLog.MessageTooLarge(_logger, ConnectionId, _options.MaxMessageBytes);
                    await ReplyAsync(
                        JsonRpcWriter.Error(JsonRpcRequest.NullId, KurentoErrorCode.InvalidRequest, $"Message larger than {_options.MaxMessageBytes} bytes"),
                        cancellationToken).ConfigureAwait(false);
                    _closeStatus = WebSocketCloseStatus.MessageTooBig;
                    _closeDescription = "message too large";
                    return;
                }

                if (!received.EndOfMessage)
                {
                    continue;
                }

                byte[]? reply;
                try
                {
                    reply = await _processor.ProcessAsync(buffer.AsMemory(0, count), this).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Whatever one message does, the socket keeps serving the next.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    ControlProtocolLog.RequestCrashed(_logger, ex, "(message)");
                    reply = JsonRpcWriter.Error(JsonRpcRequest.NullId, KurentoErrorCode.InternalError, "Internal error");
                }

                count = 0;
                if (reply is not null)
                {
                    await ReplyAsync(reply, cancellationToken).ConfigureAwait(false);
                }

                if (buffer.Length > InitialBufferBytes * 16)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask ReplyAsync(byte[] frame, CancellationToken cancellationToken)
    {
        try
        {
            Interlocked.Add(ref _queuedBytes, frame.Length);
            await _outbound.Writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new OperationCanceledException();
        }
    }

    private async Task WriteLoopAsync()
    {
        var cancellationToken = _aborted.Token;
        try
        {
            await foreach (var frame in _outbound.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _queuedBytes, -frame.Length);
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
                await _socket.CloseOutputAsync(_closeStatus, _closeDescription, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException ex)
        {
            ControlProtocolLog.ConnectionFailed(_logger, ConnectionId, ex.Message);
        }
        finally
        {
            // A writer that cannot write ends the receive loop too.
            if (!_completing)
            {
                _completing = true;
                await _aborted.CancelAsync().ConfigureAwait(false);
            }
        }
    }
}
