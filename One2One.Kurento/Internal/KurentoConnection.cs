using System.Buffers;
using System.Net.WebSockets;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace One2One.Kurento.Internal;

/// <summary>
/// One WebSocket to the media server and the JSON-RPC traffic on it.
/// </summary>
/// <remarks>
/// Ownership:
/// <list type="bullet">
/// <item>The socket's send side belongs to <see cref="SendLoopAsync"/> alone: requests reach it through
/// <see cref="_outgoing"/>, so two messages never interleave. Its receive side belongs to
/// <see cref="ReceiveLoopAsync"/>. Any thread may abort it (<see cref="Abort"/>).</item>
/// <item><see cref="_pending"/>, <see cref="_abandoned"/>, <see cref="_closed"/> and <see cref="_keepAlive"/> are guarded
/// by <see cref="_lock"/>: requesters add and remove entries, the receive loop removes answered ones, closing
/// fails the rest.</item>
/// <item>When the connection closes, a request the send loop had taken fails "outcome unknown", naming the session it was
/// written for (the client sends it again with the same id if that session resumes); one it had not taken
/// (<see cref="PendingRequest.TryWithdraw"/>) fails with <see cref="RequestNotSentException"/>, and the client sends it on the
/// next connection.</item>
/// <item>Events are copied out of the receive buffer and handed to the client's dispatch loop; no handler runs
/// on the receive loop.</item>
/// </list>
/// </remarks>
internal sealed class KurentoConnection
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // JSON-safe but not HTML-escaped: SDP keeps its '+' and '/' readable on the wire.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonElement EmptyData = JsonDocument.Parse("{}").RootElement.Clone();

    // Characters of a media server's error message kept in the exception.
    private const int MaxErrorMessageLength = 1024;

    private readonly KurentoClient _owner;
    private readonly ClientWebSocket _socket;
    private readonly KurentoOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<PendingRequest> _outgoing =
        Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();

    private readonly Lock _lock = new();
    private readonly Dictionary<long, PendingRequest> _pending = [];
    private readonly AbandonedRequests _abandoned = new();
    private volatile bool _closed;
    private ITimer? _keepAlive;

    // 1 once a ping told the server our interval; timer ticks may overlap, hence Interlocked.
    private int _intervalSent;

    // Touched only by the receive loop.
    private bool _provedHealthy;

    // Set by the receive loop before it closes the connection for a message over the size limit: maybe the reply to a
    // request, which the media server's reply cache would give again, so no request cut by this close is sent again.
    private volatile bool _oversizeMessage;

    private Task _sendLoop = Task.CompletedTask;
    private Task _receiveLoop = Task.CompletedTask;

    public KurentoConnection(KurentoClient owner, ClientWebSocket socket, KurentoOptions options, TimeProvider time, ILogger logger)
    {
        _owner = owner;
        _socket = socket;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public bool IsClosed => _closed;

    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public void Start()
    {
        _sendLoop = Task.Run(SendLoopAsync);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>
    /// Queues a request and waits for its reply. Throws <see cref="KurentoException"/> for an error reply or a connection lost
    /// after the request was written (<see cref="KurentoException.CutOnSession"/> says for which session), and
    /// <see cref="RequestNotSentException"/> if the connection closed before it was written.
    /// </summary>
    /// <param name="id">The id of a request sent before on a connection that dropped (the media server answers it from its reply cache); a new id when null.</param>
    public async Task<JsonElement> RequestAsync(
        string method, JsonObject? parameters, bool addSessionId, bool isHandshake, CancellationToken cancellationToken, long? id = null)
    {
        var request = new PendingRequest(id ?? _owner.NextRequestId(), method, parameters, addSessionId, isHandshake);
        lock (_lock)
        {
            if (_closed)
            {
                throw NotSent(request, "the connection is closed");
            }

            _pending.Add(request.Id, request);
        }

        // Unbounded: never blocks; if closing completed the channel, closing has also failed the request.
        _outgoing.Writer.TryWrite(request);
        try
        {
            return await request.Reply.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (request.Reply.IsCompletedSuccessfully)
            {
                // The reply arrived as the timeout fired: the request did succeed.
                return request.Reply.Result;
            }

            lock (_lock)
            {
                _pending.Remove(request.Id);
                _abandoned.Add(request);
            }

            request.Abandon();
            if (request.Reply.IsCompletedSuccessfully)
            {
                // The receive loop had taken the reply out of the pending requests and completed it just before the give-up:
                // the request succeeded, and its object is held after all.
                lock (_lock)
                {
                    _abandoned.Forget(request.Id);
                }

                return request.Reply.Result;
            }

            throw;
        }
    }

    /// <summary>Starts pinging on the TimeProvider's clock; a ping that fails or times out aborts the connection.</summary>
    public void StartKeepAlive()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _keepAlive = _time.CreateTimer(
                    static state => _ = ((KurentoConnection)state!).PingAsync(), this, _options.KeepAliveInterval, _options.KeepAliveInterval);
            }
        }
    }

    /// <summary>Drops the connection now: pending requests fail, the owner is told (and reconnects).</summary>
    public void Abort(string reason)
    {
        if (TryClose(reason))
        {
            _stopping.Cancel();
            _socket.Abort();
            _owner.OnConnectionClosed(this, reason);
        }
    }

    /// <summary>Closes politely (a Close frame after the last send), for the client's disposal.</summary>
    public async ValueTask CloseAsync(string reason)
    {
        if (TryClose(reason))
        {
            try
            {
                var grace = _options.RequestTimeout;
                await _sendLoop.WaitAsync(grace, _time);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client closing", CancellationToken.None).WaitAsync(grace, _time);
            }
            // A media server that went away first resets the socket under the Close frame; ManagedWebSocket reports that as
            // a WebSocketException, or as an OperationCanceledException when its own receive had already aborted it.
            catch (Exception e) when (e is WebSocketException or TimeoutException or ObjectDisposedException or InvalidOperationException
                or OperationCanceledException or IOException)
            {
                KurentoLog.CloseFailed(_logger, e);
            }

            _stopping.Cancel();
            _socket.Abort();
            _owner.OnConnectionClosed(this, reason);
        }

        await Task.WhenAll(_sendLoop, _receiveLoop);
    }

    private bool TryClose(string reason)
    {
        List<PendingRequest> orphans;
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _closed = true;
            orphans = [.. _pending.Values];
            _pending.Clear();
            _keepAlive?.Dispose();
            _keepAlive = null;
        }

        _outgoing.Writer.TryComplete();
        foreach (var request in orphans)
        {
            if (request.TryWithdraw())
            {
                request.Fail(NotSent(request, reason));
            }
            else
            {
                // Before the failure is seen and before the owner hears of the close (and resumes the session): a release
                // remembered here is sure to be sent again on the resumed connection.
                _owner.OnOutcomeUnknown(request);
                request.Fail(Lost(request, reason));
            }
        }

        return true;
    }

    private KurentoException Lost(PendingRequest request, string reason) =>
        new($"Kurento request {request.Description} (id {request.Id}) failed: the connection to the media server was lost ({reason}); its outcome is unknown.")
        {
            OutcomeUnknown = true,
            CutOnSession = _oversizeMessage ? null : request.WrittenSessionId,
        };

    private static RequestNotSentException NotSent(PendingRequest request, string reason) =>
        new($"Kurento request {request.Description} (id {request.Id}) was not sent: the connection to the media server closed first ({reason}).");

    private async Task SendLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        try
        {
            await foreach (var request in _outgoing.Reader.ReadAllAsync(_stopping.Token))
            {
                if (!request.TryBeginSend())
                {
                    continue;
                }

                buffer.ResetWrittenCount();
                writer.Reset(buffer);
                var sessionId = _owner.SessionId;
                request.MarkWriting(request.AddSessionId ? sessionId : null);
                request.WriteTo(writer, sessionId);
                writer.Flush();
                await _socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, _stopping.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Whatever broke the socket (or a bug), no request may be left waiting on a connection that cannot send.
            Abort($"send failed: {e.Message}");
        }
    }

    private async Task ReceiveLoopAsync()
    {
        // One buffer per connection, owned by this loop: frames accumulate until EndOfMessage, so a UTF-8
        // character split across frames is decoded whole.
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        string reason = "the media server closed the connection";
        try
        {
            while (true)
            {
                var frame = await _socket.ReceiveAsync(buffer.GetMemory(8 * 1024), _stopping.Token);
                if (frame.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"the media server closed the connection ({_socket.CloseStatus} {_socket.CloseStatusDescription})";
                    break;
                }

                buffer.Advance(frame.Count);
                if (buffer.WrittenCount > _options.MaxMessageSize)
                {
                    KurentoLog.MessageTooLarge(_logger, _options.MaxMessageSize);
                    reason = $"a message exceeded {_options.MaxMessageSize} bytes";
                    _oversizeMessage = true;
                    break;
                }

                if (frame.EndOfMessage)
                {
                    HandleMessage(buffer.WrittenMemory);
                    buffer.ResetWrittenCount();
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            reason = "closed by the client";
        }
        catch (Exception e)
        {
            // A dropped socket (WebSocketException) or a bug: either way the connection ends here, never spins.
            reason = e.Message;
        }

        Abort(reason);
        await _sendLoop;
        _socket.Dispose();
    }

    private void HandleMessage(ReadOnlyMemory<byte> message)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException e)
        {
            KurentoLog.MalformedMessage(_logger, e);
            return;
        }

        if (!JsonStrings.AreText(message.Span))
        {
            document.Dispose();
            KurentoLog.MalformedMessage(_logger, null);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                KurentoLog.MalformedMessage(_logger, null);
            }
            else if (root.TryGetProperty("method", out var method))
            {
                HandleNotification(root, method);
            }
            else
            {
                HandleReply(root);
            }
        }
    }

    private void HandleReply(JsonElement root)
    {
        // TryGetInt64 throws on anything but a number, and a throw here would end the receive loop.
        if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.Number || !idElement.TryGetInt64(out long id))
        {
            // E.g. a parse error reply, whose id is null: nothing to match it with.
            KurentoLog.ReplyWithoutId(_logger, root.TryGetProperty("error", out var error) ? error.ToString() : "");
            return;
        }

        PendingRequest? request;
        lock (_lock)
        {
            _pending.Remove(id, out request);
        }

        if (request is null)
        {
            if (!root.TryGetProperty("result", out var late) || !ReleaseOrphanOf(id, late))
            {
                KurentoLog.UnmatchedReply(_logger, id);
            }

            return;
        }

        if (root.TryGetProperty("error", out var errorElement))
        {
            request.Fail(ToException(request, errorElement));
        }
        else if (root.TryGetProperty("result", out var result))
        {
            var copy = result.Clone();
            _owner.OnResult(request, copy);
            if (!request.IsHandshake && !_provedHealthy)
            {
                _provedHealthy = true;
                _owner.OnConnectionHealthy();
            }

            if (!request.Complete(copy))
            {
                // Given up between its removal from the pending requests above and now (its timeout fired): what it made is
                // released as any late reply's.
                ReleaseOrphanOf(id, copy);
            }
        }
        else
        {
            request.Fail(new KurentoException($"The media server's reply to {request.Description} has neither result nor error."));
        }
    }

    private static KurentoException ToException(PendingRequest request, JsonElement error)
    {
        int code = 0;
        string? type = null;
        string? message = null;
        if (error.ValueKind == JsonValueKind.Object)
        {
            if (error.TryGetProperty("code", out var codeElement) && codeElement.ValueKind == JsonValueKind.Number)
            {
                codeElement.TryGetInt32(out code);
            }

            if (error.TryGetProperty("message", out var messageElement) && messageElement.ValueKind == JsonValueKind.String)
            {
                message = messageElement.GetString();
                if (message is { Length: > MaxErrorMessageLength })
                {
                    // A media server's error may quote what a browser sent it (an SDP offer): logs and pages get the start.
                    message = string.Concat(message.AsSpan(0, char.IsHighSurrogate(message[MaxErrorMessageLength - 1]) ? MaxErrorMessageLength - 1 : MaxErrorMessageLength), "…");
                }
            }

            if (error.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String)
            {
                type = typeElement.GetString();
            }
        }

        return new KurentoException(code, type, $"Kurento request {request.Description} failed with {code} {type}: {message}");
    }

    private void HandleNotification(JsonElement root, JsonElement method)
    {
        if (method.ValueKind != JsonValueKind.String || !method.ValueEquals("onEvent"))
        {
            KurentoLog.UnknownNotification(_logger, method.ToString());
            return;
        }

        if (root.TryGetProperty("params", out var parameters) && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("object", out var objectId) && objectId.ValueKind == JsonValueKind.String
            && value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            var data = value.TryGetProperty("data", out var d) ? d.Clone() : EmptyData;
            _owner.OnEvent(new KurentoEventMessage(objectId.GetString()!, type.GetString()!, data));
        }
        else
        {
            KurentoLog.MalformedNotification(_logger, root.ToString());
        }
    }

    private async Task PingAsync()
    {
        // Like kurento-client-js: the first ping tells the server our interval; KMS only echoes the sessionId.
        var parameters = new JsonObject();
        if (Interlocked.Exchange(ref _intervalSent, 1) == 0)
        {
            parameters["interval"] = (long)_options.KeepAliveInterval.TotalMilliseconds;
        }

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        try
        {
            await RequestAsync("ping", parameters, addSessionId: true, isHandshake: false, timeout.Token);
        }
        catch (RequestNotSentException)
        {
            // The connection closed before the ping went out: nothing left to check.
        }
        catch (Exception e) when (e is KurentoException or OperationCanceledException)
        {
            // Timed out, or an error where "pong" was due: the link is not to be trusted.
            if (!_closed)
            {
                KurentoLog.KeepAliveFailed(_logger, e);
                Abort("keep-alive ping failed");
            }
        }
    }

    /// <summary>Releases the object a successful reply to a request given up here names (<see cref="AbandonedRequests"/>); false when it names none.</summary>
    private bool ReleaseOrphanOf(long id, JsonElement result)
    {
        string? orphan;
        lock (_lock)
        {
            orphan = _abandoned.TakeObject(id, result);
        }

        if (orphan is null)
        {
            return false;
        }

        _owner.OnOrphanedObject(orphan);
        return true;
    }
}
