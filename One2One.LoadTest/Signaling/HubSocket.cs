using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace One2One.LoadTest.Signaling;

/// <summary>
/// One browser's signaling connection, speaking SignalR's JSON protocol straight over a WebSocket (no
/// negotiate, as the .NET client's SkipNegotiation): lean enough to hold 10,000 in one process. Callbacks go to
/// <see cref="Inbox"/> in arrival order; invocations carry an id, and their completions settle the task
/// <see cref="InvokeAsync"/> returned (a <c>HubException</c> fails it).
/// </summary>
/// <remarks>
/// Threading: one receive loop owns the read buffer and the inbox's writer; sends (invocations and the
/// keep-alive ping) are serialized by <see cref="_sendLock"/>, as a WebSocket allows one send at a time.
/// </remarks>
internal sealed class HubSocket : IAsyncDisposable
{
    // Well inside the server's ClientTimeoutInterval (30 s by default), as the browser client does.
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Channel<HubMessage> _inbox = Channel.CreateUnbounded<HubMessage>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private Task _receiving = Task.CompletedTask;
    private Task _pinging = Task.CompletedTask;
    private int _nextInvocationId;

    private HubSocket(ClientWebSocket socket)
    {
        _socket = socket;
    }

    public ChannelReader<HubMessage> Inbox => _inbox.Reader;

    /// <summary>Opens the WebSocket and completes SignalR's handshake.</summary>
    public static async Task<HubSocket> ConnectAsync(HubConnector connector, Uri hubUri, CancellationToken cancellationToken)
    {
        var hub = new HubSocket(await connector.OpenAsync(hubUri, cancellationToken).ConfigureAwait(false));
        try
        {
            hub._receiving = hub.ReceiveLoopAsync();
            await hub.SendAsync(HubFrames.Handshake, cancellationToken).ConfigureAwait(false);
            await hub._handshake.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            hub._pinging = hub.PingLoopAsync();
            return hub;
        }
        catch
        {
            await hub.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends an invocation; the task completes when the server's completion for it arrives.</summary>
    public async Task InvokeAsync(string target, params string?[] arguments)
    {
        var id = Interlocked.Increment(ref _nextInvocationId).ToString(CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        await SendAsync(HubFrames.Invocation(id, target, arguments), _closing.Token).ConfigureAwait(false);
        await completion.Task.ConfigureAwait(false);
    }

    /// <summary>Registers <paramref name="name"/>; throws unless the server accepts it.</summary>
    public async Task RegisterAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var invoked = InvokeAsync(HubMethods.Register, name);
        var response = await ExpectAsync(ClientCallbacks.RegisterResponse, timeout, cancellationToken).ConfigureAwait(false);
        await invoked.ConfigureAwait(false);
        if (response.GetString("response") != "accepted")
        {
            throw new InvalidOperationException($"Registering {name} was rejected: {response.GetString("reason")} {response.GetString("message")}");
        }
    }

    /// <summary>
    /// The next callback named <paramref name="target"/>. Server ICE candidates are skipped (one may arrive late
    /// from the previous call), and so is presence (who is online, sent to every registered page); any other callback
    /// first means the call went wrong, and throws.
    /// </summary>
    public async Task<HubMessage> ExpectAsync(string target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var message = await _inbox.Reader.ReadAsync(deadline.Token).ConfigureAwait(false);
                if (message.Target == target)
                {
                    return message;
                }

                if (message.Target is not (ClientCallbacks.IceCandidate or ClientCallbacks.OnlineUsers or ClientCallbacks.PresenceChanged))
                {
                    throw new UnexpectedCallbackException(target, message);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No {target} within {timeout.TotalSeconds:0.#} s.");
        }
        catch (ChannelClosedException ex)
        {
            throw ex.InnerException ?? new HubClosedException(null);
        }
    }

    /// <summary>Drops whatever callbacks are waiting (after a failed call, before the next).</summary>
    public void DiscardInbox()
    {
        while (_inbox.Reader.TryRead(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        // An abort closes the TCP connection at once, as a closed tab does; the server runs its disconnect.
        _socket.Abort();
        try
        {
            await Task.WhenAll(_receiving, _pinging).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Loops end with the socket's abort.
        }

        _socket.Dispose();
        _sendLock.Dispose();
    }

    private async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task PingLoopAsync()
    {
        try
        {
            // Spread the pings of many connections over the interval instead of sending them all at once.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * PingInterval.TotalMilliseconds), _closing.Token).ConfigureAwait(false);
            using var timer = new PeriodicTimer(PingInterval);
            do
            {
                await SendAsync(HubFrames.Ping, _closing.Token).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false));
        }
        catch (Exception) when (_closing.IsCancellationRequested || _socket.State != WebSocketState.Open)
        {
            // Closing, or the receive loop reports the loss.
        }
    }

    private async Task ReceiveLoopAsync()
    {
        // Records can span WebSocket messages and a message can hold several records: the stream is cut at 0x1E.
        var buffer = new ArrayBufferWriter<byte>(512);
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(512), _closing.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new HubClosedException(_socket.CloseStatusDescription);
                }

                var receivedAt = Stopwatch.GetTimestamp();
                buffer.Advance(result.Count);
                var consumed = Dispatch(buffer.WrittenSpan, receivedAt);
                if (consumed > 0)
                {
                    var rest = buffer.WrittenSpan[consumed..].ToArray();
                    buffer.Clear();
                    buffer.Write(rest);
                }
            }
        }
        catch (Exception ex)
        {
            failure = _closing.IsCancellationRequested ? null : ex is HubClosedException ? ex : new HubClosedException(ex.Message);
        }
        finally
        {
            _handshake.TrySetException(failure ?? new HubClosedException(null));
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(failure ?? new HubClosedException(null));
            }

            _inbox.Writer.TryComplete(failure);
        }
    }

    /// <summary>Handles every complete record; returns where the incomplete rest starts.</summary>
    private int Dispatch(ReadOnlySpan<byte> data, long receivedAt)
    {
        var consumed = 0;
        int end;
        while ((end = data[consumed..].IndexOf(HubFrames.RecordSeparator)) >= 0)
        {
            var record = data.Slice(consumed, end);
            consumed += end + 1;
            if (!_handshake.Task.IsCompleted)
            {
                if (HubFrames.HandshakeError(record) is { } error)
                {
                    throw new HubClosedException(error);
                }

                _handshake.TrySetResult();
                continue;
            }

            if (HubFrames.IsPing(record) || HubFrames.Read(record, receivedAt) is not { } message)
            {
                continue;
            }

            if (message.Target == HubMessage.Completion)
            {
                Complete(message);
            }
            else
            {
                _inbox.Writer.TryWrite(message);
            }
        }

        return consumed;
    }

    private void Complete(HubMessage completion)
    {
        var id = completion.GetString("invocationId");
        if (id is null || !_pending.TryRemove(id, out var pending))
        {
            return;
        }

        if (completion.GetString("error") is { } error)
        {
            pending.TrySetException(new HubInvocationException(error));
        }
        else
        {
            pending.TrySetResult();
        }
    }
}
