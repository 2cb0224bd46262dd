using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using One2One.Kurento.Internal;

namespace One2One.Kurento;

/// <summary>
/// The application's one session with the media server: JSON-RPC 2.0 over a WebSocket opened on first use,
/// kept alive with pings and resumed with <c>connect {sessionId}</c> after a drop.
/// </summary>
/// <remarks>
/// Ownership:
/// <list type="bullet">
/// <item><see cref="_connection"/>, <see cref="_current"/> and <see cref="_disposed"/> are guarded by
/// <see cref="_stateLock"/>. <see cref="_connection"/> is the task every request awaits: a connect loop
/// (<see cref="ConnectLoopAsync"/>) that ends with an open, resumed connection; at most one runs at a time.</item>
/// <item>The socket, the pending requests and the keep-alive timer belong to the <see cref="KurentoConnection"/>.</item>
/// <item>Subscriptions and the dispatch loop belong to the <see cref="KurentoEventRouter"/>.</item>
/// <item><see cref="_sessionId"/> is written by a connection's receive loop (results) and by the connect loop
/// (session lost), which never run at the same time for one session; the send loop reads it.</item>
/// <item><see cref="_unsettled"/> (thread-safe) holds the releases whose outcome is unknown: a closing connection adds the
/// ones it had written, a requester the ones that timed out; the connect loop sends them again once their session has
/// resumed (each retry on its own task), and clears them when the session is lost.</item>
/// </list>
/// </remarks>
public sealed class KurentoClient : IKurentoClient, IKurentoRpc, IAsyncDisposable, IDisposable
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of one activity per request, for a host's tracing.</summary>
    public const string ActivitySourceName = KurentoTelemetry.SourceName;

    private const string ServerManagerId = "manager_ServerManager";

    // Far above what a healthy server leaves unsettled between two resumes; bounds the memory a dead one can cost.
    private const int MaxUnsettledReleases = 1024;

    // KMS (REQUEST_TIMEOUT in ServerMethods.cpp) and our media server keep a session's reply to a request id for 20 s; a
    // resend goes only within 15 s of the request, so that it arrives while the reply is kept whatever the request timeout.
    private static readonly TimeSpan ResendWithin = TimeSpan.FromSeconds(15);

    private readonly IMediaServerLocator _locator;
    private readonly KurentoOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<KurentoClient> _logger;
    private readonly KurentoEventRouter _events;
    private readonly CancellationTokenSource _disposing = new();
    private readonly UnsettledReleases _unsettled = new(MaxUnsettledReleases);

    // Completed when the first disposal has finished; later and concurrent disposals wait for it.
    private readonly TaskCompletionSource _disposal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Lock _stateLock = new();
    private CancellationTokenSource? _backoffCut; // cuts the connect loop's wait before its next attempt short (ReconnectNow); under _stateLock
    private Task<KurentoConnection>? _connection;
    private KurentoConnection? _current;
    private bool _disposed;

    // Ids are unique for the client's lifetime, not per connection: KMS caches replies by (sessionId, id) for
    // 20 s, so an id reused on a resumed session gets the old reply. Only a request cut by a dropped connection is sent
    // again with its id, for exactly that reply.
    private long _lastRequestId;
    private volatile string? _sessionId;

    // Connect attempts since the last connection that answered a request; only the connect loop and the
    // current connection's receive loop touch it, never at the same time.
    private int _attempt;
    private volatile Exception? _lastConnectError;

    public KurentoClient(IMediaServerLocator locator, IOptions<KurentoOptions> options, TimeProvider timeProvider, ILogger<KurentoClient> logger)
    {
        _locator = locator;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        _events = new KurentoEventRouter(RequestAsync, _options.MaxQueuedEvents, logger);
    }

    public event EventHandler<KurentoSessionLostEventArgs>? SessionLost;

    public event EventHandler<KurentoSessionResumedEventArgs>? SessionResumed;

    /// <summary>The media server's id for our session, once it gave one.</summary>
    internal string? SessionId => _sessionId;

    /// <summary>Requests sent (or queued) on the current connection and not answered yet.</summary>
    internal int PendingRequestCount
    {
        get
        {
            lock (_stateLock)
            {
                return _current?.PendingCount ?? 0;
            }
        }
    }

    internal int EventRouteCount => _events.RouteCount;

    /// <summary>Events dropped because <see cref="KurentoOptions.MaxQueuedEvents"/> were waiting for their handlers.</summary>
    internal long DroppedEventCount => _events.DroppedCount;

    /// <summary>Releases with an unknown outcome, waiting for their session to resume.</summary>
    internal int UnsettledReleaseCount => _unsettled.Count;

    public async Task<MediaPipeline> CreateMediaPipelineAsync(CancellationToken cancellationToken = default)
    {
        var parameters = new JsonObject
        {
            ["type"] = "MediaPipeline",
            ["constructorParams"] = new JsonObject(),
            ["properties"] = new JsonObject(),
        };
        var result = await RequestAsync("create", parameters, cancellationToken);
        return new MediaPipeline(this, KurentoReply.GetString(result, "create MediaPipeline"));
    }

    public async Task<MediaPipeline> HoldMediaPipelineAsync(string pipelineId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipelineId);
        await RequestAsync("ref", new JsonObject { ["object"] = pipelineId }, cancellationToken);
        return new MediaPipeline(this, pipelineId);
    }

    public async Task<IReadOnlyList<string>> GetPipelineIdsAsync(CancellationToken cancellationToken = default)
    {
        // Like kurento-client-js: learn the ServerManager through describe before invoking it.
        var description = await RequestAsync("describe", new JsonObject { ["object"] = ServerManagerId }, cancellationToken);
        if (description.ValueKind == JsonValueKind.Object && description.TryGetProperty("type", out var type)
            && type.ValueKind == JsonValueKind.String && !type.ValueEquals("ServerManager"))
        {
            throw new KurentoException($"'{ServerManagerId}' is a {type.GetString()}, not a ServerManager.");
        }

        var result = await RequestAsync(
            "invoke", new JsonObject { ["object"] = ServerManagerId, ["operation"] = "getPipelines" }, cancellationToken);
        return KurentoReply.GetStringArray(result, "invoke getPipelines");
    }

    public async Task<JsonElement> RequestAsync(string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        using var activity = KurentoTelemetry.StartRequest(method, parameters);
        try
        {
            return await SendRequestAsync(method, parameters, cancellationToken);
        }
        catch (Exception e)
        {
            KurentoTelemetry.Failed(activity, e);
            throw;
        }
    }

    /// <summary>
    /// True while a connection is open and our session on it settled (what a readiness check reports); the last connect
    /// error otherwise, if there was one.
    /// </summary>
    public (bool IsUp, Exception? LastError) SessionState
    {
        get
        {
            lock (_stateLock)
            {
                return (_current is { IsClosed: false } && _sessionId is not null, _lastConnectError);
            }
        }
    }

    /// <summary>Connects (resuming or starting our session) if not connected yet, and waits until it is or until <paramref name="cancellationToken"/>.</summary>
    public async Task EnsureConnectedAsync(CancellationToken cancellationToken) => await GetConnectionAsync(cancellationToken);

    private async Task<JsonElement> SendRequestAsync(string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        bool connected = false;

        // One id for every attempt: the media server answers an id it has seen on the session from its reply cache.
        long id = NextRequestId();
        long started = _time.GetTimestamp();
        KurentoException? cut = null;
        try
        {
            while (true)
            {
                connected = false;
                var connection = await GetConnectionAsync(linked.Token);
                connected = true;
                if (cut is not null && !MaySendAgain(cut, started))
                {
                    throw cut;
                }

                try
                {
                    return await connection.RequestAsync(method, parameters, addSessionId: true, isHandshake: false, linked.Token, id);
                }
                catch (RequestNotSentException)
                {
                    // Still queued when the connection closed: the media server never saw it, so the next connection may carry
                    // it, within the same timeout.
                    KurentoLog.RequestResent(_logger, PendingRequest.Describe(method, parameters));
                }
                catch (KurentoException e) when (e.CutOnSession is not null && method != "release")
                {
                    // Written, and the connection dropped before the reply: sent again with its id once its session resumes.
                    // The media server's reply cache (KMS: 20 s) answers it with the first run's reply, so its result (a
                    // pipeline's id, an SDP answer) is not lost with the connection. Ours also holds a resend back while
                    // the first run is still going; KMS would run that one twice (a second pipeline, a processOffer
                    // refused with 40208): no worse than failing it, which also lost the first run's result. A release
                    // has its own way back (remembered by the closing connection, sent again at the resume): nobody
                    // waits for its result.
                    cut = e;
                    KurentoLog.RequestCut(_logger, PendingRequest.Describe(method, parameters), id);
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            RememberIfRelease(method, parameters);
            string request = PendingRequest.Describe(method, parameters);
            throw connected
                ? new KurentoException($"Kurento request {request} got no reply within {_options.RequestTimeout}.", new TimeoutException()) { OutcomeUnknown = true }
                : new KurentoException(
                    $"Kurento request {request} failed: no connection to the media server within {_options.RequestTimeout} (last error: {_lastConnectError?.Message ?? "none"}).",
                    _lastConnectError ?? new TimeoutException());
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Disposed();
        }
    }

    /// <summary>
    /// Whether a request cut by a dropped connection may go again with its id: only on the session it was written for (a
    /// lost session's objects are gone, and a new session has no reply for it), and only while the media server still keeps
    /// its reply, so that it is answered, not run again.
    /// </summary>
    private bool MaySendAgain(KurentoException cut, long started) =>
        _sessionId == cut.CutOnSession && _time.GetElapsedTime(started) < ResendWithin;

    public Task ReleaseObjectAsync(string objectId, CancellationToken cancellationToken = default) =>
        ((IKurentoRpc)this).ReleaseAsync(objectId, cancellationToken);

    async Task IKurentoRpc.ReleaseAsync(string objectId, CancellationToken cancellationToken)
    {
        // Not tied to the caller's token: a release still queued must go out, and one without a reply must end in a timeout
        // (and be remembered), or the object would stay on the media server.
        var releasing = ReleaseAsync(objectId);
        try
        {
            await releasing.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Nobody awaits the release any more: observe its failure, if any, so it is not an unobserved task exception.
            _ = releasing.ContinueWith(
                static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            throw;
        }
    }

    Task<KurentoSubscription> IKurentoRpc.SubscribeAsync<TEvent>(string objectId, Action<TEvent> handler, CancellationToken cancellationToken) =>
        _events.SubscribeAsync(objectId, handler, cancellationToken);

    void IKurentoRpc.ForgetEventRoutes(IReadOnlyCollection<string> objectIds) => _events.Detach(objectIds);

    /// <summary>Closes the connection politely; a concurrent or later call returns when the first one has finished.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!TryMarkDisposed(out var connecting))
        {
            // A host that is stopped twice at once disposes twice at once: the second caller must not go on (and
            // stop the media server) while the first is still closing the session.
            await _disposal.Task;
            return;
        }

        try
        {
            await DisposeConnectionAsync(connecting);
        }
        finally
        {
            _disposal.TrySetResult();
        }
    }

    private async Task DisposeConnectionAsync(Task<KurentoConnection>? connecting)
    {
        await _disposing.CancelAsync();
        if (connecting is not null)
        {
            KurentoConnection? connection = null;
            try
            {
                connection = await connecting;
            }
            catch (OperationCanceledException)
            {
                // The connect loop stopped before it had a connection.
            }

            if (connection is not null)
            {
                await connection.CloseAsync("the Kurento client was disposed");
            }
        }

        await _events.CompleteAsync();
    }

    /// <summary>For a container disposed synchronously: like <see cref="DisposeAsync"/>, but drops the socket without a Close frame and does not wait.</summary>
    public void Dispose()
    {
        if (!TryMarkDisposed(out var connecting))
        {
            return;
        }

        _disposing.Cancel();
        if (connecting is { IsCompletedSuccessfully: true })
        {
            connecting.Result.Abort("the Kurento client was disposed");
        }

        _ = _events.CompleteAsync();
        _disposal.TrySetResult();
    }

    private bool TryMarkDisposed(out Task<KurentoConnection>? connecting)
    {
        lock (_stateLock)
        {
            connecting = _connection;
            if (_disposed)
            {
                return false;
            }

            _disposed = true;
            _connection = null;
            _current = null;
            return true;
        }
    }

    internal long NextRequestId() => Interlocked.Increment(ref _lastRequestId);

    /// <summary>
    /// For tests: called as a connection takes a successful reply for its request, before it completes the request (the
    /// moment a timeout may still give the request up).
    /// </summary>
    internal Action<PendingRequest>? ReplyTaken { get; set; }

    /// <summary>Called by a connection's receive loop for every successful reply, before the requester sees it.</summary>
    internal void OnResult(PendingRequest request, JsonElement result)
    {
        ReplyTaken?.Invoke(request);

        // A ping's sessionId only echoes ours; any other result names the session the server bound us to.
        if (request.Method != "ping" && result.ValueKind == JsonValueKind.Object
            && result.TryGetProperty("sessionId", out var sessionId) && sessionId.ValueKind == JsonValueKind.String)
        {
            _sessionId = sessionId.GetString();
        }
    }

    internal void OnEvent(KurentoEventMessage message) => _events.Enqueue(message);

    /// <summary>Called by a closing connection for each request it had written and got no reply to, before anyone hears of the close.</summary>
    internal void OnOutcomeUnknown(PendingRequest request) => RememberIfRelease(request.Method, request.Parameters);

    /// <summary>
    /// A reply came after its request was given up, naming an object nobody holds (<see cref="AbandonedRequests"/>): it is
    /// released, so the media server does not keep it (and its sockets and threads) for the session's life. Never throws.
    /// </summary>
    internal void OnOrphanedObject(string objectId)
    {
        KurentoLog.ReleasingOrphan(_logger, objectId);
        _ = ReleaseOrphanAsync(objectId);
    }

    private async Task ReleaseOrphanAsync(string objectId)
    {
        try
        {
            // Off the receive loop that reported it: the release's reply comes through that loop.
            await Task.Yield();
            await RequestAsync("release", new JsonObject { ["object"] = objectId }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KurentoException or ObjectDisposedException)
        {
            // A release whose outcome is unknown is remembered and sent again (RequestAsync); gone already is as good.
            KurentoLog.OrphanReleaseFailed(_logger, objectId, e);
        }
    }

    /// <summary>A connection answered a request: the link works, so the next drop reconnects without delay.</summary>
    internal void OnConnectionHealthy() => Volatile.Write(ref _attempt, 0);

    /// <summary>Called once per connection when it closes: if it was the current one, start reconnecting.</summary>
    internal void OnConnectionClosed(KurentoConnection connection, string reason)
    {
        lock (_stateLock)
        {
            if (_disposed || _current != connection)
            {
                return;
            }

            _current = null;
            _connection = StartConnectLoop();
        }

        KurentoLog.ConnectionLost(_logger, reason);
    }

    private async Task<KurentoConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<KurentoConnection> connecting;
            lock (_stateLock)
            {
                if (_disposed)
                {
                    throw Disposed();
                }

                connecting = _connection ??= StartConnectLoop();
            }

            var connection = await connecting.WaitAsync(cancellationToken);
            if (!connection.IsClosed)
            {
                return connection;
            }

            // Closed after it was published: make sure a connect loop replaces it, then wait for that.
            OnConnectionClosed(connection, "closed");
        }
    }

    /// <summary>The connect loop, and through it the connection's loops, serve every caller: not in the context of the request that started it.</summary>
    private Task<KurentoConnection> StartConnectLoop() => DetachedTask.Run(() => ConnectLoopAsync(_disposing.Token));

    /// <summary>Connects, with backoff between failed attempts, until a connection is open and its session settled.</summary>
    private async Task<KurentoConnection> ConnectLoopAsync(CancellationToken disposing)
    {
        while (true)
        {
            var delay = ReconnectDelay(Volatile.Read(ref _attempt));
            Interlocked.Increment(ref _attempt);
            if (delay > TimeSpan.Zero)
            {
                KurentoLog.Reconnecting(_logger, delay);
                await WaitBeforeAttemptAsync(delay, disposing);
            }

            KurentoConnection connection;
            string? resumed;
            try
            {
                (connection, resumed) = await OpenAsync(disposing);
            }
            catch (Exception e)
            {
                // Aborted by disposal, whatever the exception: waiters see a cancelled loop, never a socket error.
                disposing.ThrowIfCancellationRequested();
                _lastConnectError = e;
                KurentoLog.ConnectFailed(_logger, e);
                continue;
            }

            bool published = false;
            lock (_stateLock)
            {
                if (!_disposed && !connection.IsClosed)
                {
                    _current = connection;
                    _lastConnectError = null;
                    published = true;
                }
            }

            if (published)
            {
                if (resumed is not null)
                {
                    // Queued before any request that waits for this connection.
                    RetryUnsettledReleases(connection, resumed);
                    Raise(SessionResumed, new KurentoSessionResumedEventArgs(resumed), KurentoLog.SessionResumedHandlerFailed);
                }

                return connection;
            }

            // Closed during the handshake's last moments, or the client is being disposed.
            await connection.CloseAsync("superseded");
            disposing.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Cuts short the wait before the connect loop's next attempt, if it is waiting: the attempt is made now. The backoff
    /// after failed attempts can outlast the outage that caused them; whoever is about to give the server up (the call
    /// server's pool, before it ends the server's calls) makes sure one more attempt was made.
    /// </summary>
    public void ReconnectNow()
    {
        CancellationTokenSource? cut;
        lock (_stateLock)
        {
            cut = _backoffCut;
        }

        try
        {
            cut?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The wait ended meanwhile: the attempt is under way.
        }
    }

    private async Task WaitBeforeAttemptAsync(TimeSpan delay, CancellationToken disposing)
    {
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(disposing);
        lock (_stateLock)
        {
            _backoffCut = cut;
        }

        try
        {
            await Task.Delay(delay, _time, cut.Token);
        }
        catch (OperationCanceledException) when (!disposing.IsCancellationRequested)
        {
            // ReconnectNow: the attempt is made now.
        }
        finally
        {
            lock (_stateLock)
            {
                if (_backoffCut == cut)
                {
                    _backoffCut = null;
                }
            }
        }
    }

    private TimeSpan ReconnectDelay(int attempt)
    {
        if (attempt == 0)
        {
            return TimeSpan.Zero;
        }

        double factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(_options.ReconnectDelay.Ticks * factor, _options.MaxReconnectDelay.Ticks));
    }

    /// <summary>
    /// Opens a socket and settles the session: resumes ours, or starts a new one (raising <see cref="SessionLost"/> if ours is
    /// gone). Returns the connection and the session it resumed, if it did.
    /// </summary>
    private async Task<(KurentoConnection Connection, string? ResumedSessionId)> OpenAsync(CancellationToken disposing)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(disposing, timeout.Token);
        var uri = await _locator.GetUriAsync(linked.Token);
        KurentoLog.Connecting(_logger, LoggedAddress.Of(uri));
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(uri, linked.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new KurentoConnection(this, socket, _options, _time, _logger);
        connection.Start();
        string? resumed;
        try
        {
            resumed = await HandshakeAsync(connection, linked.Token);
        }
        catch
        {
            await connection.CloseAsync("handshake failed");
            throw;
        }

        connection.StartKeepAlive();
        return (connection, resumed);
    }

    /// <summary>Resumes our session, or starts a new one; returns the session resumed, or null.</summary>
    private async Task<string?> HandshakeAsync(KurentoConnection connection, CancellationToken cancellationToken)
    {
        if (_sessionId is { } previous)
        {
            try
            {
                await connection.RequestAsync(
                    "connect", new JsonObject { ["sessionId"] = previous }, addSessionId: false, isHandshake: true, cancellationToken);
                if (_sessionId == previous)
                {
                    KurentoLog.SessionResumed(_logger, previous);
                    return previous;
                }

                // Answered with another session (OnResult took its id): ours is gone as surely as with 40007, and the
                // new one is ours from now on, used at once as below.
                ForgetSession(previous);
                await DescribeServerManagerAsync(connection, cancellationToken);
                KurentoLog.SessionStarted(_logger, _sessionId);
                return null;
            }
            catch (KurentoException e) when (e.Code == KurentoErrorCodes.InvalidSession)
            {
                _sessionId = null;
                ForgetSession(previous);
            }
        }

        // A session of our own before any other request, so concurrent first requests cannot each start one.
        await connection.RequestAsync("connect", parameters: null, addSessionId: false, isHandshake: true, cancellationToken);
        await DescribeServerManagerAsync(connection, cancellationToken);
        KurentoLog.SessionStarted(_logger, _sessionId);
        return null;
    }

    /// <summary>
    /// KMS keeps a session only once a request has referred to an object in it (a bare connect or a ping does not): until
    /// then a connection dropped and resumed gets 40007, read as a media server that restarted. The official clients
    /// describe the ServerManager first; so does this one, in every new session.
    /// </summary>
    private static Task DescribeServerManagerAsync(KurentoConnection connection, CancellationToken cancellationToken) =>
        connection.RequestAsync("describe", new JsonObject { ["object"] = ServerManagerId }, addSessionId: true, isHandshake: true, cancellationToken);

    /// <summary>The media server no longer has <paramref name="lost"/>: its subscriptions and unsettled releases go, and the app hears of it.</summary>
    private void ForgetSession(string lost)
    {
        _events.DetachAll();
        KurentoLog.SessionLost(_logger, lost);
        if (_unsettled.Clear() is var forgotten and > 0)
        {
            // The objects went with the session: nothing left to release.
            KurentoLog.UnsettledReleasesForgotten(_logger, lost, forgotten);
        }

        RaiseSessionLost(new KurentoSessionLostEventArgs(
            lost, "The media server no longer knows the session (it restarted, or collected the session): every media object is gone."));
    }

    private async Task ReleaseAsync(string objectId)
    {
        try
        {
            await RequestAsync("release", new JsonObject { ["object"] = objectId }, CancellationToken.None);
        }
        catch (KurentoException e) when (e.Code == KurentoErrorCodes.MediaObjectNotFound)
        {
            _unsettled.Settle(objectId);
            throw;
        }

        // Released again by its owner after an earlier attempt's outcome was unknown: no need to retry that one.
        _unsettled.Settle(objectId);
    }

    // "release" is the one request worth re-sending on its own: nothing waits for its result, and repeating it is harmless
    // (40101 once the object is gone), while forgetting it leaves a pipeline, its sockets and threads on the media server.
    private void RememberIfRelease(string method, JsonObject? parameters)
    {
        if (method != "release" || _disposing.IsCancellationRequested || _sessionId is not { } session
            || parameters?["object"] is not JsonValue value || !value.TryGetValue(out string? objectId))
        {
            return;
        }

        KurentoLog.ReleaseOutcomeUnknown(_logger, objectId, session);
        if (_unsettled.Remember(objectId, session) is { } evicted)
        {
            KurentoLog.UnsettledReleaseEvicted(_logger, evicted, _unsettled.Capacity);
        }
    }

    private void RetryUnsettledReleases(KurentoConnection connection, string sessionId)
    {
        foreach (string objectId in _unsettled.ResumedSession(sessionId))
        {
            _ = RetryReleaseAsync(connection, objectId, sessionId);
        }
    }

    /// <summary>Sends a release again on the connection that resumed its session; never throws.</summary>
    private async Task RetryReleaseAsync(KurentoConnection connection, string objectId, string sessionId)
    {
        KurentoLog.RetryingRelease(_logger, objectId, sessionId);
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        try
        {
            // On this connection only: if it drops too, the next resume sends the release again.
            await connection.RequestAsync("release", new JsonObject { ["object"] = objectId }, addSessionId: true, isHandshake: false, timeout.Token);
            _unsettled.Settle(objectId);
            KurentoLog.ReleaseRetrySucceeded(_logger, objectId);
        }
        catch (KurentoException e) when (e.Code == KurentoErrorCodes.MediaObjectNotFound)
        {
            _unsettled.Settle(objectId);
            KurentoLog.ReleaseRetryFoundNothing(_logger, objectId);
        }
        catch (KurentoException e) when (!e.OutcomeUnknown)
        {
            // An answer, if not the one hoped for: sending it again would get the same.
            _unsettled.Settle(objectId);
            KurentoLog.ReleaseRetryRefused(_logger, objectId, e);
        }
        catch (Exception e) when (e is KurentoException or RequestNotSentException or OperationCanceledException)
        {
            // Lost again, never sent, or no reply in time: still remembered, for the next resume.
            KurentoLog.ReleaseRetryUnsettled(_logger, objectId, e);
        }
    }

    private void RaiseSessionLost(KurentoSessionLostEventArgs args) => Raise(SessionLost, args, KurentoLog.SessionLostHandlerFailed);

    private void Raise<TArgs>(EventHandler<TArgs>? handlers, TArgs args, Action<ILogger, Exception> logFailure)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<TArgs>>())
        {
            try
            {
                handler(this, args);
            }
            catch (Exception e)
            {
                // One subscriber's bug must not stop the others, nor the reconnection.
                logFailure(_logger, e);
            }
        }
    }

    private ObjectDisposedException Disposed() => new(nameof(KurentoClient), "The Kurento client was disposed.");
}
