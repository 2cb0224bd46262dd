using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace One2One.Tests.MediaServer.Support;

/// <summary>
/// A raw JSON-RPC client over a real WebSocket: sends exact text, reads replies by id, collects onEvent
/// notifications. Every wait is bounded so a broken server fails the test instead of hanging it.
/// </summary>
internal sealed class KurentoTestClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonNode?> _replies = Channel.CreateUnbounded<JsonNode?>();
    private readonly Channel<JsonNode> _events = Channel.CreateUnbounded<JsonNode>();
    private readonly Task _receiver;
    // Unique over every test client, as a Kurento client's ids are over its session's connections: the media server answers an id
    // it has seen on the session in the last 20 s from its reply cache (a client that resumes a session must not reuse one).
    private static int s_nextId;

    private KurentoTestClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiver = Task.Run(ReceiveLoopAsync);
    }

    public string? SessionId { get; private set; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public Task Closed => _receiver;

    public static async Task<KurentoTestClient> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new KurentoTestClient(socket);
    }

    public async Task SendTextAsync(string text, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), type, true, timeout.Token);
    }

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Binary)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _socket.SendAsync(bytes, type, true, timeout.Token);
    }

    /// <summary>The next reply (any id); null once the socket closed.</summary>
    public async Task<JsonNode?> NextReplyAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            return await _replies.Reader.ReadAsync(timeout.Token);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async Task<JsonNode> NextEventAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return await _events.Reader.ReadAsync(timeout.Token);
    }

    public bool TryTakeEvent(out JsonNode? notification) => _events.Reader.TryRead(out notification);

    /// <summary>A fresh request id, unique over every test client.</summary>
    public static int NewId() => Interlocked.Increment(ref s_nextId);

    /// <summary>Sends <paramref name="method"/> with a fresh numeric id, or <paramref name="id"/> (and the session id once known); returns the whole reply.</summary>
    public async Task<JsonNode> CallAsync(string method, JsonObject? parameters = null, bool withSession = true, int? id = null)
    {
        var requestId = id ?? NewId();
        await SendRequestAsync(requestId, method, parameters, withSession);
        var reply = await NextReplyAsync() ?? throw new InvalidOperationException($"Socket closed before the reply to {method}");
        reply["id"]!.GetValue<int>().Should().Be(requestId);
        if (reply["result"]?["sessionId"] is { } sessionId)
        {
            SessionId = sessionId.GetValue<string>();
        }

        return reply;
    }

    /// <summary>Sends a request with <paramref name="id"/> (and the session id once known) without waiting for its reply.</summary>
    public async Task SendRequestAsync(int id, string method, JsonObject? parameters = null, bool withSession = true)
    {
        parameters ??= [];
        if (withSession && SessionId is not null && parameters["sessionId"] is null)
        {
            parameters["sessionId"] = SessionId;
        }

        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters };
        await SendTextAsync(request.ToJsonString());
    }

    /// <summary>Calls and expects a result; returns <c>result</c>.</summary>
    public async Task<JsonNode> ResultAsync(string method, JsonObject? parameters = null)
    {
        var reply = await CallAsync(method, parameters);
        reply["error"].Should().BeNull($"{method} should succeed: {reply.ToJsonString()}");
        return reply["result"]!;
    }

    /// <summary>Calls and expects an error; returns <c>error</c>.</summary>
    public async Task<JsonNode> ErrorAsync(string method, JsonObject? parameters = null)
    {
        var reply = await CallAsync(method, parameters);
        reply["result"].Should().BeNull($"{method} should fail: {reply.ToJsonString()}");
        return reply["error"]!;
    }

    public async Task<string> CreatePipelineAsync() =>
        (await ResultAsync("create", new JsonObject { ["type"] = "MediaPipeline", ["properties"] = new JsonObject() }))["value"]!.GetValue<string>();

    public async Task<string> CreateEndpointAsync(string pipelineId)
    {
        var reply = await TryCreateEndpointAsync(pipelineId);
        reply["error"].Should().BeNull($"create should succeed: {reply.ToJsonString()}");
        return reply["result"]!["value"]!.GetValue<string>();
    }

    /// <summary>Asks for a WebRtcEndpoint in <paramref name="pipelineId"/>; returns the whole reply, result or error.</summary>
    public Task<JsonNode> TryCreateEndpointAsync(string pipelineId) =>
        CallAsync("create", new JsonObject
        {
            ["type"] = "WebRtcEndpoint",
            ["constructorParams"] = new JsonObject { ["mediaPipeline"] = pipelineId },
            ["properties"] = new JsonObject(),
        });

    public Task<JsonNode> InvokeAsync(string objectId, string operation, JsonObject? operationParams = null)
    {
        var parameters = new JsonObject { ["object"] = objectId, ["operation"] = operation };
        if (operationParams is not null)
        {
            parameters["operationParams"] = operationParams;
        }

        return CallAsync("invoke", parameters);
    }

    public async Task<JsonNode?> InvokeValueAsync(string objectId, string operation, JsonObject? operationParams = null)
    {
        var reply = await InvokeAsync(objectId, operation, operationParams);
        reply["error"].Should().BeNull($"{operation} should succeed: {reply.ToJsonString()}");
        return reply["result"]!["value"];
    }

    public async Task<string> SubscribeAsync(string objectId, string eventType) =>
        (await ResultAsync("subscribe", new JsonObject { ["object"] = objectId, ["type"] = eventType }))["value"]!.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(Timeout);
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Dispose();
        await _receiver.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                result.MessageType.Should().Be(WebSocketMessageType.Text, "replies and events are text frames");
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var node = JsonNode.Parse(message.ToArray());
                message.SetLength(0);
                if (node!["method"]?.GetValue<string>() == "onEvent")
                {
                    await _events.Writer.WriteAsync(node);
                }
                else
                {
                    await _replies.Writer.WriteAsync(node);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _replies.Writer.TryComplete();
            _events.Writer.TryComplete();
        }
    }
}
