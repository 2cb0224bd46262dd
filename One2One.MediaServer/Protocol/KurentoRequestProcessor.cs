using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Protocol;

/// <summary>
/// The Kurento methods (ServerMethods.cpp): parses one message, runs it for its session and writes the reply.
/// Session semantics follow KMS: a request acts for its <c>sessionId</c>, else the socket's session, else a new
/// one; a successful reply binds the socket to that session (its events come here); every result carries it.
/// </summary>
internal sealed class KurentoRequestProcessor
{
    private const string NewRefPrefix = "newref:";

    /// <summary>Operations one transaction may hold (40009 beyond): client libraries batch a few.</summary>
    internal const int MaxTransactionOperations = 256;

    /// <summary>
    /// The replies one transaction may gather, in bytes: each operation is small but its reply need not be (getTags), so
    /// once they pass this the next operation is not run and the transaction stops there with 40009, as at an operation's
    /// error, instead of building an unbounded reply. Every operation that ran has its reply in it.
    /// </summary>
    internal const int MaxTransactionReplyBytes = 16 * 1024 * 1024;
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    private readonly MediaSet _mediaSet;
    private readonly KurentoSessionRegistry _sessions;
    private readonly KurentoOperations _operations;
    private readonly MediaServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<KurentoRequestProcessor> _logger;

    public KurentoRequestProcessor(
        MediaSet mediaSet, KurentoSessionRegistry sessions, IOptions<MediaServerOptions> options, TimeProvider time, ILogger<KurentoRequestProcessor> logger)
    {
        _mediaSet = mediaSet;
        _sessions = sessions;
        _operations = new KurentoOperations(mediaSet, sessions);
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Identifies this server instance in <c>connect</c> replies (KMS instanceId).</summary>
    public string ServerId { get; } = Guid.NewGuid().ToString();

    /// <summary>The reply frame for one message, or null for a notification.</summary>
    public async ValueTask<byte[]?> ProcessAsync(ReadOnlyMemory<byte> message, ControlConnection connection)
    {
        // The JSON reader checks a string's UTF-8 only when the string is read: check the whole message up front.
        if (!Utf8.IsValid(message.Span))
        {
            return JsonRpcWriter.Error(JsonRpcRequest.NullId, KurentoErrorCode.ParseError, "Parse error: invalid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message, DocumentOptions);
        }
        catch (JsonException)
        {
            return JsonRpcWriter.Error(JsonRpcRequest.NullId, KurentoErrorCode.ParseError, "Parse error");
        }

        using (document)
        {
            if (!KurentoJson.StringsAreText(message.Span))
            {
                return JsonRpcWriter.Error(JsonRpcRequest.NullId, KurentoErrorCode.ParseError, "Parse error: a string escapes a lone surrogate");
            }

            if (!JsonRpcRequest.TryRead(document.RootElement, out var request, out var error, out var errorId))
            {
                return JsonRpcWriter.Error(errorId, error!.Code, error.Message);
            }

            if (RepliesFor(request, connection) is not { } replies)
            {
                return await RunAsync(request, connection).ConfigureAwait(false);
            }

            if (replies.TryJoin(request.RawId!, out var earlier, out var run))
            {
                return await RepeatAsync(request, earlier).ConfigureAwait(false);
            }

            byte[] reply;
            try
            {
                reply = (await RunAsync(request, connection).ConfigureAwait(false))!;
            }
            catch
            {
                replies.Forget(run, JsonRpcWriter.Error(request.RawId!, KurentoErrorCode.InternalError, "Internal error"));
                throw;
            }

            replies.Complete(run, reply);
            return reply;
        }
    }

    private async ValueTask<byte[]?> RunAsync(JsonRpcRequest request, ControlConnection connection)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, JsonRpcWriter.Options))
        {
            await HandleAsync(writer, request, connection).ConfigureAwait(false);
        }

        return request.IsNotification ? null : buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The session whose reply cache answers <paramref name="request"/> if it was sent before (a client re-sends what it wrote
    /// just before its connection dropped): a request on a session's objects, with an id, for a session that exists.
    /// </summary>
    private ReplyCache? RepliesFor(JsonRpcRequest request, ControlConnection connection)
    {
        if (request.IsNotification || request.RawId == JsonRpcRequest.NullId || !ActsOnSessionObjects(request.Method))
        {
            return null;
        }

        var sessionId = KurentoJson.TryGetString(request.Params, "sessionId") ?? connection.Session?.Id;
        return sessionId is not null && _sessions.TryGet(sessionId, out var session) ? session.Replies : null;
    }

    /// <summary>The methods that act for a session on its objects (the rest manage the session itself).</summary>
    private static bool ActsOnSessionObjects(string method) =>
        method is "create" or "describe" or "invoke" or "subscribe" or "unsubscribe" or "release" or "ref" or "unref" or "transaction";

    /// <summary>The first run's reply to a request sent again; waits for it while that run is still going (bounded).</summary>
    private async ValueTask<byte[]> RepeatAsync(JsonRpcRequest request, Task<byte[]> earlier)
    {
        ControlProtocolLog.RequestRepeated(_logger, request.Method, request.RawId!.Length <= 32 ? request.RawId : request.RawId[..32] + "...");
        try
        {
            return await earlier.WaitAsync(ReplyCache.Lifetime, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return JsonRpcWriter.Error(request.RawId!, KurentoErrorCode.UnexpectedError, "A request with this id is still being processed");
        }
    }

    /// <summary>Runs one request and writes its reply (a transaction's operations come through here too).</summary>
    private async ValueTask HandleAsync(Utf8JsonWriter writer, JsonRpcRequest request, ControlConnection connection)
    {
        var id = request.RawId ?? JsonRpcRequest.NullId;
        try
        {
            var (result, sessionId) = await DispatchAsync(request, connection).ConfigureAwait(false);
            JsonRpcWriter.WriteResult(writer, id, sessionId, result);
        }
        catch (KurentoErrorException ex)
        {
            ControlProtocolLog.RequestFailed(_logger, request.Method, (int)ex.Code, ex.Message);
            JsonRpcWriter.WriteError(writer, id, ex.Code, ex.Message);
        }
#pragma warning disable CA1031 // Any failure becomes an error reply; the socket keeps serving.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ControlProtocolLog.RequestCrashed(_logger, ex, request.Method);
            JsonRpcWriter.WriteError(writer, id, KurentoErrorCode.UnexpectedError, "Unexpected error: " + ex.GetType().Name);
        }
    }

    private async ValueTask<(RpcResult Result, string? SessionId)> DispatchAsync(JsonRpcRequest request, ControlConnection connection)
    {
        var p = request.Params;
        switch (request.Method)
        {
            case "ping":
                return Ping(p, connection);
            case "connect":
                return Connect(p, connection);
            case "keepAlive":
                return KeepAlive(p, connection);
            case "closeSession":
                return await CloseSessionAsync(p, connection).ConfigureAwait(false);
            case var method when ActsOnSessionObjects(method):
                return await WithSessionAsync(method, KurentoJson.RequireParams(p), connection).ConfigureAwait(false);
            default:
                throw new KurentoErrorException(KurentoErrorCode.MethodNotFound, $"Method '{request.Method}' not found");
        }
    }

    private (RpcResult, string?) Ping(JsonElement? p, ControlConnection connection)
    {
        var requested = KurentoJson.TryGetString(p, "sessionId");
        if (requested is not null && _sessions.TryGet(requested, out var session))
        {
            _sessions.Bind(connection, session);
        }

        return (RpcResult.Value("pong"), requested ?? connection.Session?.Id);
    }

    /// <summary>connect: resume <c>sessionId</c> (40007 if unknown: the client must start over) or start a session.</summary>
    private (RpcResult, string?) Connect(JsonElement? p, ControlConnection connection)
    {
        var id = KurentoJson.TryGetString(p, "sessionId") ?? connection.Session?.Id;
        KurentoSession? session;
        if (id is null)
        {
            session = _sessions.Create();
        }
        else if (!_sessions.TryGet(id, out session))
        {
            throw new KurentoErrorException(KurentoErrorCode.InvalidSession, $"Invalid session '{id}'");
        }

        if (!_sessions.Bind(connection, session))
        {
            throw new KurentoErrorException(KurentoErrorCode.InvalidSession, $"Invalid session '{session.Id}'");
        }

        ControlProtocolLog.SessionBound(_logger, session.Id, connection.ConnectionId);
        var serverId = ServerId;
        return (RpcResult.Members(w => w.WriteString("serverId", serverId)), session.Id);
    }

    private (RpcResult, string?) KeepAlive(JsonElement? p, ControlConnection connection)
    {
        var id = KurentoJson.TryGetString(p, "sessionId") ?? connection.Session?.Id
            ?? throw KurentoErrors.InvalidParams("'sessionId' parameter should be a string");
        if (!_sessions.TryGet(id, out var session) || !_sessions.Bind(connection, session))
        {
            throw new KurentoErrorException(KurentoErrorCode.InvalidSession, $"Invalid session '{id}'");
        }

        return (RpcResult.Empty, session.Id);
    }

    /// <summary>closeSession: ends the session now and releases what it created (KMS releaseSession/unrefSession).</summary>
    private async ValueTask<(RpcResult, string?)> CloseSessionAsync(JsonElement? p, ControlConnection connection)
    {
        var id = KurentoJson.TryGetString(p, "sessionId") ?? connection.Session?.Id
            ?? throw KurentoErrors.InvalidParams("'sessionId' parameter should be a string");
        if (_sessions.TryGet(id, out var session))
        {
            if (ReferenceEquals(connection.Session, session))
            {
                connection.Session = null;
            }

            await _sessions.CloseAsync(session).ConfigureAwait(false);
        }

        return (RpcResult.Empty, id);
    }

    private async ValueTask<(RpcResult, string?)> WithSessionAsync(string method, JsonElement p, ControlConnection connection)
    {
        var session = _sessions.Resolve(KurentoJson.TryGetString(p, "sessionId"), connection, out var created);
        long binding = session.Binding;
        try
        {
            var result = method switch
            {
                "create" => await CreateAsync(p, session).ConfigureAwait(false),
                "describe" => Describe(p),
                "invoke" => await InvokeAsync(p).ConfigureAwait(false),
                "subscribe" => Subscribe(p, session),
                "unsubscribe" => Unsubscribe(p),
                "release" => await ReleaseAsync(p).ConfigureAwait(false),
                "transaction" => await TransactionAsync(p, session, connection).ConfigureAwait(false),
                "ref" => Hold(p, session),
                _ => await LetGoAsync(p, session).ConfigureAwait(false),
            };

            _sessions.Bind(connection, session, unlessReboundSince: binding);
            return (result, session.Id);
        }
        catch
        {
            if (created)
            {
                _sessions.DiscardIfUnused(session);
            }

            throw;
        }
    }

    private async ValueTask<RpcResult> CreateAsync(JsonElement p, KurentoSession session)
    {
        var type = KurentoJson.RequireMember(p, "type");
        var constructorParams = KurentoJson.TryGetMember(p, "constructorParams");
        var isPipeline = type is "MediaPipeline" or "kurento.MediaPipeline";
        Func<ValueTask<MediaObjectImpl>> create = type switch
        {
            _ when isPipeline => () => ValueTask.FromResult<MediaObjectImpl>(_mediaSet.CreatePipeline(session)),
            "WebRtcEndpoint" or "kurento.WebRtcEndpoint" => PrepareWebRtcEndpoint(constructorParams, session),
            _ => throw new KurentoErrorException(KurentoErrorCode.MediaObjectTypeNotFound, $"Type '{type}' not found"),
        };

        // Endpoints are admitted server-wide by the media set (MediaServer:MaxEndpoints); a session's pipelines
        // are bounded by the same figure.
        if (isPipeline)
        {
            session.ReservePipeline(_options.MaxEndpoints);
        }

        MediaObjectImpl mediaObject;
        try
        {
            mediaObject = await create().ConfigureAwait(false);
        }
        catch
        {
            session.CompleteCreation(null, isPipeline);
            throw;
        }

        if (!session.CompleteCreation(mediaObject, isPipeline))
        {
            await ReleaseQuietlyAsync(mediaObject).ConfigureAwait(false);
            throw new KurentoErrorException(KurentoErrorCode.InvalidSession, $"Session '{session.Id}' was closed");
        }

        return RpcResult.Value(mediaObject.Id);
    }

    /// <summary>Validates WebRtcEndpoint's constructor parameters (7.x kmd) before anything is reserved or created.</summary>
    private Func<ValueTask<MediaObjectImpl>> PrepareWebRtcEndpoint(JsonElement? ctor, KurentoSession session)
    {
        var pipelineId = KurentoJson.RequireString(ctor, "mediaPipeline");
        if (_mediaSet.Get(pipelineId) is not MediaPipelineImpl pipeline)
        {
            throw KurentoErrors.IllegalParam($"'mediaPipeline' must be a MediaPipeline, '{pipelineId}' is not");
        }

        var recvOnly = KurentoJson.OptionalBool(ctor, "recvonly") ?? false;
        var sendOnly = KurentoJson.OptionalBool(ctor, "sendonly") ?? false;
        if (recvOnly && sendOnly)
        {
            throw KurentoErrors.IllegalParam("'recvonly' and 'sendonly' cannot both be true");
        }

        _ = KurentoJson.OptionalBool(ctor, "useDataChannels");
        var keyType = KurentoJson.TryGetMember(ctor, "certificateKeyType");
        if (keyType is { } k && !(k.ValueKind == JsonValueKind.String && (k.ValueEquals("RSA") || k.ValueEquals("ECDSA"))))
        {
            throw KurentoErrors.IllegalParam("'certificateKeyType' must be RSA or ECDSA");
        }

        return async () => await _mediaSet.CreateWebRtcEndpointAsync(pipeline, recvOnly, sendOnly, session).ConfigureAwait(false);
    }

    private RpcResult Describe(JsonElement p)
    {
        var type = _mediaSet.Get(KurentoJson.RequireMember(p, "object")).Type;
        return RpcResult.Members(w =>
        {
            w.WriteStartArray("hierarchy");
            foreach (var ancestor in type.Hierarchy)
            {
                w.WriteStringValue(ancestor);
            }

            w.WriteEndArray();
            w.WriteString("qualifiedType", type.QualifiedName);
            w.WriteString("type", type.Name);
        });
    }

    private ValueTask<RpcResult> InvokeAsync(JsonElement p)
    {
        var target = _mediaSet.Get(KurentoJson.RequireMember(p, "object"));
        var operation = KurentoJson.RequireMember(p, "operation");
        var operationParams = KurentoJson.TryGetMember(p, "operationParams");
        if (operationParams is { ValueKind: not JsonValueKind.Object })
        {
            throw KurentoErrors.IllegalParam("'operationParams' must be an object");
        }

        return _operations.InvokeAsync(target, operation, operationParams);
    }

    private RpcResult Subscribe(JsonElement p, KurentoSession session)
    {
        var eventName = KurentoJson.RequireMember(p, "type");
        var target = _mediaSet.Get(KurentoJson.RequireMember(p, "object"));
        if (!KurentoEventNames.TryResolve(target.Type, eventName, out var canonical))
        {
            throw new KurentoErrorException(KurentoErrorCode.MediaObjectEventNotSupported, $"Event '{eventName}' not supported");
        }

        var subscription = session.Subscribe(target, canonical, eventName);
        return RpcResult.Value(subscription.Id);
    }

    /// <summary>Never fails for an unknown or released object: kurento-client unsubscribes right after release.</summary>
    private RpcResult Unsubscribe(JsonElement p)
    {
        var subscription = KurentoJson.RequireMember(p, "subscription");
        var objectId = KurentoJson.TryGetString(p, "object");
        if (objectId is not null && _mediaSet.TryGet(objectId, out var target))
        {
            target.Unsubscribe(subscription);
        }

        return RpcResult.Empty;
    }

    private async ValueTask<RpcResult> ReleaseAsync(JsonElement p)
    {
        await _mediaSet.Get(KurentoJson.RequireMember(p, "object")).ReleaseAsync().ConfigureAwait(false);
        return RpcResult.Empty;
    }

    /// <summary>
    /// ref: the session takes a hold on an object another session made (KMS reference counting across sessions), so the
    /// object outlives its creator's session: e.g. an app node that takes over the calls of one that died.
    /// </summary>
    private RpcResult Hold(JsonElement p, KurentoSession session)
    {
        session.Hold(_mediaSet.Get(KurentoJson.RequireMember(p, "object")));
        return RpcResult.Empty;
    }

    /// <summary>unref: the session lets go; the last session to let go of an object releases it (as KMS).</summary>
    private async ValueTask<RpcResult> LetGoAsync(JsonElement p, KurentoSession session)
    {
        var target = _mediaSet.Get(KurentoJson.RequireMember(p, "object"));
        if (session.LetGo(target))
        {
            try
            {
                await target.ReleaseAsync().ConfigureAwait(false);
            }
            catch (KurentoErrorException ex) when (ex.Code == KurentoErrorCode.MediaObjectNotFound)
            {
                // Released by someone else meanwhile.
            }
        }

        return RpcResult.Empty;
    }

    /// <summary>
    /// transaction (ServerMethods::transaction): runs <c>operations</c> in order, ids must be 0..n-1 (40008),
    /// <c>"newref:i"</c> stands for the value returned by operation i; stops at the first error.
    /// <c>value</c> is the array of the operations' replies.
    /// </summary>
    private async ValueTask<RpcResult> TransactionAsync(JsonElement p, KurentoSession session, ControlConnection connection)
    {
        if (!p.TryGetProperty("operations", out var operations) || operations.ValueKind != JsonValueKind.Array)
        {
            throw KurentoErrors.InvalidParams("'operations' parameter should be an array");
        }

        if (operations.GetArrayLength() > MaxTransactionOperations)
        {
            throw KurentoErrors.NotEnoughResources($"A transaction holds at most {MaxTransactionOperations} operations");
        }

        var replies = new JsonArray();
        var index = 0;
        long replyBytes = 0;
        foreach (var operation in operations.EnumerateArray())
        {
            if (operation.ValueKind != JsonValueKind.Object
                || !operation.TryGetProperty("id", out var id) || !id.TryGetInt32(out var n) || n != index)
            {
                throw new KurentoErrorException(KurentoErrorCode.MalformedTransaction, $"Id of request '{index}' should be '{index}'");
            }

            if (replyBytes > MaxTransactionReplyBytes)
            {
                replies.Add(ErrorReply(index, KurentoErrorCode.NotEnoughResources, $"The transaction's replies passed {MaxTransactionReplyBytes} bytes before request '{index}'"));
                break;
            }

            JsonObject node;
            try
            {
                node = JsonNode.Parse(operation.GetRawText())!.AsObject();
                var parameters = node["params"] as JsonObject ?? [];
                node["params"] = null;
                parameters["sessionId"] = session.Id;
                node["params"] = InjectRefs(parameters, replies);
                node["id"] = index;
            }
            catch (ArgumentException)
            {
                // JsonDocument accepts a member twice; JsonObject throws on it when it is first read.
                throw new KurentoErrorException(KurentoErrorCode.MalformedTransaction, $"Request '{index}' has a member twice");
            }

            using var document = JsonDocument.Parse(node.ToJsonString(), DocumentOptions);
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer, JsonRpcWriter.Options))
            {
                if (JsonRpcRequest.TryRead(document.RootElement, out var request, out var error, out var errorId))
                {
                    await HandleAsync(writer, request, connection).ConfigureAwait(false);
                }
                else
                {
                    JsonRpcWriter.WriteError(writer, errorId, error!.Code, error.Message);
                }
            }

            replyBytes += buffer.WrittenCount;
            var reply = JsonNode.Parse(buffer.WrittenSpan)!;
            replies.Add(reply);
            if (reply["error"] is not null)
            {
                break;
            }

            index++;
        }

        var json = replies.ToJsonString();
        return RpcResult.ValueFrom(w => w.WriteRawValue(json, skipInputValidation: true));
    }

    private static JsonNode ErrorReply(int id, KurentoErrorCode code, string message) =>
        JsonNode.Parse(JsonRpcWriter.Error(id.ToString(System.Globalization.CultureInfo.InvariantCulture), code, message))!;

    private static JsonNode? InjectRefs(JsonNode? node, JsonArray replies)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(kv => kv.Key).ToArray())
                {
                    var child = obj[name];
                    obj[name] = null;
                    obj[name] = InjectRefs(child, replies);
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var child = array[i];
                    array[i] = null;
                    array[i] = InjectRefs(child, replies);
                }

                return array;
            case JsonValue value when value.TryGetValue(out string? text) && text.StartsWith(NewRefPrefix, StringComparison.Ordinal):
                if (!int.TryParse(text.AsSpan(NewRefPrefix.Length), out var index) || index < 0 || index >= replies.Count
                    || replies[index]?["result"]?["value"] is not { } referenced)
                {
                    throw new KurentoErrorException(KurentoErrorCode.MalformedTransaction, $"Invalid index of newref '{text}'");
                }

                return referenced.DeepClone();
            default:
                return node;
        }
    }

    private async ValueTask ReleaseQuietlyAsync(MediaObjectImpl mediaObject)
    {
        try
        {
            await mediaObject.ReleaseAsync().ConfigureAwait(false);
        }
        catch (KurentoErrorException)
        {
        }
    }
}
