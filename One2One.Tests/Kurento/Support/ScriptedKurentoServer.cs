using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace One2One.Tests.Kurento.Support;

/// <summary>
/// A Kurento-protocol server on 127.0.0.1 (Kestrel, ws://127.0.0.1:port/kurento) that answers as KMS does
/// (ServerMethods.cpp: ids echoed; a session created by the first connect or create and bound to the
/// connection; 40007 for an unknown session; 40101 for an unknown object), and that a test can make misbehave:
/// error replies, held or unanswered requests, a stalled reader, dropped or closed sockets, a restart that forgets every
/// session, pushed events, messages cut into tiny frames or sent as binary. It records every request.
/// It stands in for a media server only where a fault cannot be caused for real.
/// </summary>
/// <remarks>All state is guarded by <see cref="_lock"/>; each connection's sends are serialised by its own semaphore.</remarks>
internal sealed class ScriptedKurentoServer : IAsyncDisposable
{
    public const string DefaultAnswer = "v=0\r\no=- 3917592838 3917592838 IN IP4 127.0.0.1\r\ns=Kurento Media Server\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";

    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    // Accepted sockets inherit it. Fixed, so the kernel does not grow it (up to tcp_rmem's 32 MB): a client writing to a
    // connection under PauseReading blocks after a few megabytes.
    private const int ReceiveBufferSize = 64 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly HashSet<string> KnownEvents =
    [
        "IceCandidateFound", "OnIceCandidate", "IceGatheringDone", "OnIceGatheringDone", "IceComponentStateChanged",
        "OnIceComponentStateChanged", "NewCandidatePairSelected", "MediaFlowInStateChanged", "MediaFlowInStateChange",
        "MediaFlowOutStateChanged", "MediaFlowOutStateChange", "Error",
    ];

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly List<Connection> _connections = [];
    private readonly List<Rule> _rules = [];
    private readonly List<HeldRequest> _held = [];
    private readonly HashSet<string> _sessions = [];
    private readonly Dictionary<string, string> _objects = []; // id → type
    private readonly HashSet<string> _negotiated = []; // endpoints that processed an offer (OneOfferPerEndpoint)
    private readonly Dictionary<string, string> _iceStates = []; // endpoint → what getIceConnectionState reads (CONNECTING unless set or pushed)
    private readonly HashSet<(int Connection, long Id)> _refusedOffers = [];
    private readonly Dictionary<string, (string ObjectId, string Type)> _subscriptions = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _malformed;

    private ScriptedKurentoServer(WebApplication app)
    {
        _app = app;
    }

    public Uri Uri { get; private set; } = null!;

    /// <summary>When positive, every outgoing message is cut into frames of this many bytes (UTF-8 characters get split).</summary>
    public int FrameSize { get; set; }

    /// <summary>Send replies and events in binary frames instead of text frames.</summary>
    public bool BinaryFrames { get; set; }

    /// <summary>The SDP answer to a processOffer, from the offer.</summary>
    public Func<string, string> SdpAnswer { get; set; } = _ => DefaultAnswer;

    /// <summary>A processOffer this server refused with 40208 (<see cref="OneOfferPerEndpoint"/>).</summary>
    public bool WasRefused(ReceivedRequest request)
    {
        lock (_lock)
        {
            return _refusedOffers.Contains((request.Connection, request.Id));
        }
    }

    /// <summary>As KMS: a second processOffer on an endpoint is 40208 SDP_END_POINT_ALREADY_NEGOTIATED. Off for client tests that reuse one endpoint.</summary>
    public bool OneOfferPerEndpoint { get; set; }

    /// <summary>
    /// Sessions as KMS keeps them (ServerMethods::connect, MediaSet): a bare <c>connect</c> hands out an id without keeping
    /// it, and so does a ping; only a request that refers to an object (create, describe, invoke, subscribe, ...) keeps the
    /// session, so that a <c>connect</c> resuming it later is answered.
    /// </summary>
    public bool KeepsSessionsOnlyOnceUsed { get; set; }

    /// <summary>Messages that were not a well-formed JSON-RPC 2.0 request (e.g. interleaved frames).</summary>
    public int MalformedMessages => Volatile.Read(ref _malformed);

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>WebSocket connections accepted so far.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    public static async Task<ScriptedKurentoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.UseSockets(o => o.CreateBoundListenSocket = endpoint =>
        {
            var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            socket.ReceiveBufferSize = ReceiveBufferSize;
            return socket;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ScriptedKurentoServer(app);
        app.UseWebSockets();
        app.Map("/kurento", server.AcceptAsync);
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        server.Uri = new UriBuilder(address) { Scheme = "ws", Path = "/kurento" }.Uri;
        return server;
    }

    /// <summary>Requests matching <paramref name="match"/> get <paramref name="reply"/> (the first matching rule wins), <paramref name="times"/> times.</summary>
    public void When(Func<ReceivedRequest, bool> match, ScriptedReply reply, int times = int.MaxValue)
    {
        lock (_lock)
        {
            _rules.Add(new Rule(match, reply, times));
        }
    }

    public void ClearRules()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
    }

    public IReadOnlyList<ReceivedRequest> RequestsOf(string method) => [.. Requests.Where(r => r.Method == method)];

    /// <summary>Waits (up to a safety limit) until <paramref name="count"/> requests match; returns them.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForRequestsAsync(Func<ReceivedRequest, bool> match, int count = 1)
    {
        IReadOnlyList<ReceivedRequest> found = [];
        await WaitUntilAsync(() => (found = [.. _requests.Where(match)]).Count >= count, $"{count} matching request(s)");
        return found;
    }

    public async Task<ReceivedRequest> WaitForRequestAsync(Func<ReceivedRequest, bool> match) => (await WaitForRequestsAsync(match))[0];

    /// <param name="limit">How long to wait (<see cref="WaitLimit"/> when null): longer for a request that follows a node's death.</param>
    public async Task<IReadOnlyList<HeldRequest>> WaitForHeldAsync(int count, TimeSpan? limit = null)
    {
        IReadOnlyList<HeldRequest> held = [];
        await WaitUntilAsync(() => (held = [.. _held]).Count >= count, $"{count} held request(s)", limit);
        return held;
    }

    public Task WaitForConnectionsAsync(int count) => WaitUntilAsync(() => _connections.Count >= count, $"{count} connection(s)");

    /// <summary>Waits until no connection is open (the client went away).</summary>
    public Task WaitForNoOpenConnectionAsync() => WaitUntilAsync(() => _connections.All(c => !c.Open), "all connections closed");

    /// <summary>The Close status the client sent on connection <paramref name="number"/> (null: it never sent a Close frame).</summary>
    public WebSocketCloseStatus? ClientCloseStatus(int number)
    {
        lock (_lock)
        {
            return _connections[number - 1].ClientCloseStatus;
        }
    }

    /// <summary>Answers held requests, in the given order, as KMS would have.</summary>
    public async Task ReleaseAsync(IEnumerable<HeldRequest> held)
    {
        foreach (var item in held)
        {
            Connection connection;
            JsonObject reply;
            lock (_lock)
            {
                _held.Remove(item);
                connection = _connections[item.Request.Connection - 1];
                reply = Answer(connection, item.Request);
            }

            await SendAsync(connection, reply.ToJsonString());
        }
    }

    /// <summary>
    /// Stops reading the connections open now (later ones read as usual), as a stalled media server would: once the socket
    /// buffers are full, the client's send blocks. Only dropping the connections ends it.
    /// </summary>
    public void PauseReading()
    {
        lock (_lock)
        {
            foreach (var connection in _connections)
            {
                connection.ReadingPaused = true;
            }
        }
    }

    /// <summary>Waits until a connection has received the start of a message but not its end (a large one, under <see cref="PauseReading"/>).</summary>
    public Task WaitForPartialMessageAsync() => WaitUntilAsync(() => _connections.Any(c => c.PartialMessageBytes > 0), "a partly received message");

    /// <summary>Aborts every open connection (no Close frame): a network drop.</summary>
    public void DropConnections()
    {
        List<Connection> open;
        lock (_lock)
        {
            open = [.. _connections.Where(c => c.Open)];
        }

        foreach (var connection in open)
        {
            try
            {
                connection.Context.Abort();
            }
            catch (ObjectDisposedException)
            {
                // The request ended between the snapshot and the abort (its features are disposed with it): already gone.
            }
        }
    }

    /// <summary>Closes every open connection politely (Close frame, status 1001 going away).</summary>
    public async Task CloseConnectionsAsync()
    {
        List<Connection> open;
        lock (_lock)
        {
            open = [.. _connections.Where(c => c.Open)];
        }

        foreach (var connection in open)
        {
            await connection.SendLock.WaitAsync();
            try
            {
                await connection.Socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "restarting", CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
            finally
            {
                connection.SendLock.Release();
            }
        }
    }

    /// <summary>Drops every connection, as a network outage between the app and the media server, and waits for the client's next one.</summary>
    public async Task DropAndAwaitReconnectionAsync()
    {
        var connections = ConnectionCount;
        DropConnections();
        await WaitForConnectionsAsync(connections + 1);
    }

    /// <summary>A media server restart: every session, object and subscription is forgotten and every socket dropped.</summary>
    public void Restart()
    {
        lock (_lock)
        {
            _sessions.Clear();
            _objects.Clear();
            _negotiated.Clear();
            _iceStates.Clear();
            _subscriptions.Clear();
            _held.Clear();
        }

        DropConnections();
    }

    /// <summary>
    /// What <c>getIceConnectionState</c> reads for <paramref name="endpointId"/> from now on, with no event: a state that changed
    /// while no connection was open to hear it. A pushed IceComponentStateChanged sets it too.
    /// </summary>
    public void SetIceState(string endpointId, string state)
    {
        lock (_lock)
        {
            _iceStates[endpointId] = state;
        }
    }

    /// <summary>Sends an <c>onEvent</c> as KMS does, to every open connection; <c>source</c>, <c>tags</c>, <c>timestampMillis</c> and <c>type</c> are added to the data.</summary>
    public Task PushEventAsync(string objectId, string type, JsonObject data)
    {
        if (type == "IceComponentStateChanged" && data["state"]?.GetValue<string>() is { } state)
        {
            SetIceState(objectId, state);
        }

        data["source"] ??= objectId;
        data["tags"] ??= new JsonArray();
        data["timestampMillis"] ??= "1700000000123";
        data["type"] ??= type;
        var message = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "onEvent",
            ["params"] = new JsonObject { ["value"] = new JsonObject { ["data"] = data, ["object"] = objectId, ["type"] = type } },
        };
        return SendRawAsync(message.ToJsonString());
    }

    /// <summary>Sends this exact text to every open connection.</summary>
    public async Task SendRawAsync(string text)
    {
        List<Connection> open;
        lock (_lock)
        {
            open = [.. _connections.Where(c => c.Open)];
        }

        foreach (var connection in open)
        {
            await SendAsync(connection, text);
        }
    }

    public async ValueTask DisposeAsync()
    {
        DropConnections();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? wait = null)
    {
        using var limit = new CancellationTokenSource(wait ?? WaitLimit);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (condition())
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The scripted Kurento server waited {wait ?? WaitLimit} for {what}.");
            }
        }
    }

    // Under _lock.
    private void Pulse()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Connection connection;
        lock (_lock)
        {
            connection = new Connection(_connections.Count + 1, socket, context);
            _connections.Add(connection);
            Pulse();
        }

        var message = new MemoryStream();
        var frame = new byte[4096];
        try
        {
            while (true)
            {
                bool paused;
                lock (_lock)
                {
                    paused = connection.ReadingPaused;
                }

                if (paused)
                {
                    // Until the connection is dropped; no clock involved.
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }

                var result = await socket.ReceiveAsync(frame, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    lock (_lock)
                    {
                        connection.ClientCloseStatus = result.CloseStatus;
                    }

                    await connection.SendLock.WaitAsync();
                    try
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    }
                    finally
                    {
                        connection.SendLock.Release();
                    }

                    break;
                }

                message.Write(frame, 0, result.Count);
                lock (_lock)
                {
                    connection.PartialMessageBytes = result.EndOfMessage ? 0 : message.Length;
                    Pulse();
                }

                if (result.EndOfMessage)
                {
                    await HandleAsync(connection, message.ToArray(), result.MessageType);
                    message.SetLength(0);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Dropped by the client, or by DropConnections.
        }
        finally
        {
            lock (_lock)
            {
                connection.Open = false;
                Pulse();
            }
        }
    }

    private async Task HandleAsync(Connection connection, byte[] bytes, WebSocketMessageType frameType)
    {
        if (!TryReadRequest(connection, bytes, frameType, out var request))
        {
            Interlocked.Increment(ref _malformed);
            lock (_lock)
            {
                Pulse();
            }

            return;
        }

        ScriptedReply? scripted;
        JsonObject? reply = null;
        lock (_lock)
        {
            _requests.Add(request);
            var rule = _rules.FirstOrDefault(r => r.Remaining > 0 && r.Match(request));
            if (rule is not null)
            {
                rule.Remaining--;
            }

            scripted = rule?.Reply;
            switch (scripted)
            {
                case null:
                    reply = Answer(connection, request);
                    break;
                case ScriptedReply.HoldReply:
                    _held.Add(new HeldRequest(request));
                    break;
                case ScriptedReply.ErrorReply error:
                    reply = ErrorReply(request.Id, error.Code, error.Type, error.Message);
                    break;
                case ScriptedReply.ResultReply result:
                    reply = ResultReply(request.Id, result.Value.DeepClone());
                    break;
            }

            Pulse();
        }

        if (scripted is ScriptedReply.DropReply)
        {
            connection.Context.Abort();
        }
        else if (reply is not null)
        {
            await SendAsync(connection, reply.ToJsonString());
        }
    }

    private static bool TryReadRequest(Connection connection, byte[] bytes, WebSocketMessageType frameType, out ReceivedRequest request)
    {
        request = null!;
        try
        {
            string text = StrictUtf8.GetString(bytes);
            if (JsonNode.Parse(text) is not JsonObject json
                || json["jsonrpc"]?.GetValue<string>() != "2.0"
                || json["id"] is not JsonValue id || !id.TryGetValue(out long idValue)
                || json["method"] is not JsonValue method || !method.TryGetValue(out string? methodName)
                || (json["params"] is { } p && p is not JsonObject))
            {
                return false;
            }

            request = new ReceivedRequest(connection.Number, idValue, methodName, (JsonObject?)json["params"]?.DeepClone(), text, frameType);
            return true;
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    // KMS's answer (ServerMethods.cpp). Under _lock.
    private JsonObject Answer(Connection connection, ReceivedRequest request)
    {
        var p = request.Params;
        string? sessionId = request.SessionId ?? connection.SessionId;
        switch (request.Method)
        {
            case "ping":
                var pong = new JsonObject { ["value"] = "pong" };
                if (request.SessionId is { } echoed)
                {
                    pong["sessionId"] = echoed;
                }

                return ResultReply(request.Id, pong);

            case "connect":
                if (request.SessionId is { } resumed)
                {
                    if (!_sessions.Contains(resumed))
                    {
                        return ErrorReply(request.Id, 40007, "INVALID_SESSION", $"Invalid session '{resumed}'");
                    }

                    connection.SessionId = resumed;
                }
                else
                {
                    connection.SessionId = KeepsSessionsOnlyOnceUsed ? Guid.NewGuid().ToString() : NewSession();
                }

                return ResultReply(request.Id, new JsonObject { ["sessionId"] = connection.SessionId, ["serverId"] = "scripted-kms" });
        }

        if (p is null)
        {
            return ErrorReply(request.Id, -32602, "INVALID_PARAMS", "'params' is required");
        }

        if (sessionId is null)
        {
            sessionId = connection.SessionId = NewSession();
        }
        else if (!_sessions.Contains(sessionId) && !(KeepsSessionsOnlyOnceUsed && request.Method == "ping"))
        {
            // KMS uses whatever sessionId a request names.
            _sessions.Add(sessionId);
        }

        string? objectId = request.Param("object");
        switch (request.Method)
        {
            case "create":
                string? id = request.Type switch
                {
                    "MediaPipeline" => $"{Guid.NewGuid()}_kurento.MediaPipeline",
                    "WebRtcEndpoint" when p["constructorParams"]?["mediaPipeline"]?.GetValue<string>() is { } pipeline && _objects.ContainsKey(pipeline) =>
                        $"{pipeline}/{Guid.NewGuid()}_kurento.WebRtcEndpoint",
                    "WebRtcEndpoint" => null,
                    _ => "",
                };
                if (id is null)
                {
                    return ErrorReply(request.Id, 40101, "MEDIA_OBJECT_NOT_FOUND", "Object not found");
                }

                if (id.Length == 0)
                {
                    return ErrorReply(request.Id, 40100, "MEDIA_OBJECT_TYPE_NOT_FOUND", $"Type '{request.Type}' not found");
                }

                _objects[id] = request.Type!;
                return ResultReply(request.Id, new JsonObject { ["value"] = id, ["sessionId"] = sessionId });

            case "describe":
                if (objectId == "manager_ServerManager")
                {
                    return ResultReply(request.Id, new JsonObject
                    {
                        ["hierarchy"] = new JsonArray("kurento.MediaObject"),
                        ["qualifiedType"] = "kurento.ServerManager",
                        ["type"] = "ServerManager",
                        ["sessionId"] = sessionId,
                    });
                }

                return objectId is not null && _objects.TryGetValue(objectId, out var described)
                    ? ResultReply(request.Id, new JsonObject { ["qualifiedType"] = $"kurento.{described}", ["type"] = described, ["sessionId"] = sessionId })
                    : NotFound(request.Id, objectId);

            case "invoke":
                if (objectId == "manager_ServerManager" && request.Operation == "getPipelines")
                {
                    var pipelines = new JsonArray([.. _objects.Where(o => o.Value == "MediaPipeline").Select(o => JsonValue.Create(o.Key))]);
                    return ResultReply(request.Id, new JsonObject { ["value"] = pipelines, ["sessionId"] = sessionId });
                }

                if (objectId is null || !_objects.ContainsKey(objectId))
                {
                    return NotFound(request.Id, objectId);
                }

                JsonNode? value = null;
                switch (request.Operation)
                {
                    case "processOffer" when !_negotiated.Add(objectId) && OneOfferPerEndpoint:
                        _refusedOffers.Add((request.Connection, request.Id));
                        return ErrorReply(request.Id, 40208, "SDP_END_POINT_ALREADY_NEGOTIATED", "Endpoint already negotiated");
                    case "processOffer":
                        value = SdpAnswer(p["operationParams"]?["offer"]?.GetValue<string>() ?? "");
                        break;
                    case "connect" or "disconnect" or "gatherCandidates" or "addIceCandidate":
                        break;
                    case "getIceConnectionState":
                        value = new JsonArray(new JsonObject
                        {
                            ["__module__"] = "kurento",
                            ["__type__"] = "IceConnection",
                            ["streamId"] = "1",
                            ["componentId"] = 1,
                            ["state"] = _iceStates.GetValueOrDefault(objectId, "CONNECTING"),
                        });
                        break;
                    case "setStunServerAddress" or "setStunServerPort" or "setTurnUrl" or "setMaxVideoRecvBandwidth" or "setMaxVideoSendBandwidth":
                        // WebRtcEndpoint properties (elements.WebRtcEndpoint.kmd.json); the request is recorded, which is what tests read.
                        break;
                    default:
                        return ErrorReply(request.Id, 40105, "MEDIA_OBJECT_METHOD_NOT_FOUND", $"Method '{request.Operation}' not found");
                }

                return ResultReply(request.Id, new JsonObject { ["value"] = value, ["sessionId"] = sessionId });

            case "subscribe":
                if (objectId is null || !_objects.ContainsKey(objectId))
                {
                    return NotFound(request.Id, objectId);
                }

                if (request.Type is not { } eventType || !KnownEvents.Contains(eventType))
                {
                    return ErrorReply(request.Id, 40106, "MEDIA_OBJECT_EVENT_NOT_SUPPORTED", $"Event '{request.Type}' not supported");
                }

                string subscription = Guid.NewGuid().ToString();
                _subscriptions[subscription] = (objectId, eventType);
                return ResultReply(request.Id, new JsonObject { ["value"] = subscription, ["sessionId"] = sessionId });

            case "ref" or "unref":
                // Holding an object another session made (a node taking a call over): what counts is that it exists.
                return objectId is not null && _objects.ContainsKey(objectId)
                    ? ResultReply(request.Id, new JsonObject { ["sessionId"] = sessionId })
                    : NotFound(request.Id, objectId);

            case "unsubscribe":
                _subscriptions.Remove(request.Param("subscription") ?? "");
                return ResultReply(request.Id, new JsonObject { ["sessionId"] = sessionId });

            case "release":
                if (objectId is null || !_objects.Remove(objectId))
                {
                    return NotFound(request.Id, objectId);
                }

                foreach (var child in _objects.Keys.Where(k => k.StartsWith(objectId + "/", StringComparison.Ordinal)).ToList())
                {
                    _objects.Remove(child);
                }

                return ResultReply(request.Id, new JsonObject { ["sessionId"] = sessionId });

            default:
                return ErrorReply(request.Id, -32601, "METHOD_NOT_FOUND", "Method not found");
        }
    }

    private string NewSession()
    {
        string sessionId = Guid.NewGuid().ToString();
        _sessions.Add(sessionId);
        return sessionId;
    }

    private static JsonObject NotFound(long id, string? objectId) =>
        ErrorReply(id, 40101, "MEDIA_OBJECT_NOT_FOUND", $"Object '{objectId}' not found");

    private static JsonObject ResultReply(long id, JsonNode result) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result };

    private static JsonObject ErrorReply(long id, int code, string type, string message) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["data"] = new JsonObject { ["type"] = type } },
    };

    private async Task SendAsync(Connection connection, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        int frameSize = FrameSize > 0 ? FrameSize : bytes.Length;
        var type = BinaryFrames ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        await connection.SendLock.WaitAsync();
        try
        {
            for (int offset = 0; offset < bytes.Length; offset += frameSize)
            {
                int count = Math.Min(frameSize, bytes.Length - offset);
                await connection.Socket.SendAsync(bytes.AsMemory(offset, count), type, offset + count == bytes.Length, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is gone; the client sees that for itself.
        }
        finally
        {
            connection.SendLock.Release();
        }
    }

    private sealed class Rule(Func<ReceivedRequest, bool> match, ScriptedReply reply, int times)
    {
        public Func<ReceivedRequest, bool> Match { get; } = match;

        public ScriptedReply Reply { get; } = reply;

        public int Remaining { get; set; } = times;
    }

    private sealed class Connection(int number, WebSocket socket, HttpContext context)
    {
        public int Number { get; } = number;

        public WebSocket Socket { get; } = socket;

        public HttpContext Context { get; } = context;

        public SemaphoreSlim SendLock { get; } = new(1, 1);

        public string? SessionId { get; set; }

        public bool Open { get; set; } = true;

        public WebSocketCloseStatus? ClientCloseStatus { get; set; }

        public bool ReadingPaused { get; set; }

        /// <summary>Bytes received of a message whose end has not arrived yet.</summary>
        public long PartialMessageBytes { get; set; }
    }
}
