using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace One2One.Server.Cluster;

/// <summary>
/// The SignalR Redis backplane, kept off the path of a page that connects and of what this node sends to its own pages.
/// Redis's backplane subscribes each new connection to a Redis channel before the connection is accepted, so while Redis
/// is down or slow no page could connect to any node, nor come back to its call after a dropped connection; and it
/// holds a connection in its own store only once it has a connection to Redis. Nothing this app sends needs Redis:
/// each node writes to the connections it holds, and what one node has for another's page goes node to node
/// (<see cref="INodeLink"/>). So this keeps its own store of this node's connections and writes to them itself, as
/// SignalR's default lifetime manager does, and sends nothing through Redis to a single connection it does not hold; the
/// Redis backplane is told of each connection too, for anything sent to a group or user elsewhere, but a subscription that fails or takes longer than
/// <see cref="SubscriptionWait"/> is let go (and observed): the connection is accepted all the same.
/// </summary>
/// <remarks>
/// Safe from any thread: the store is SignalR's own concurrent one; the two flags (whether this outage was logged,
/// whether it was disposed) are read and written atomically. The Redis backplane is made here, not by the container, so
/// that its disposal is this one's.
/// </remarks>
internal sealed class BestEffortBackplane<THub>(IServiceProvider services, ILogger<BestEffortBackplane<THub>> logger)
    : HubLifetimeManager<THub>, IDisposable
    where THub : Hub
{
    /// <summary>How long a connection's subscription may hold its start: a healthy Redis answers in milliseconds.</summary>
    internal static readonly TimeSpan SubscriptionWait = TimeSpan.FromSeconds(1);

    private readonly RedisHubLifetimeManager<THub> _redis = ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<THub>>(services);
    private readonly HubConnectionStore _local = new();
    private int _failuresLogged;
    private int _disposed;

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _local.Add(connection);
        return BestEffortAsync(_redis.OnConnectedAsync(connection), connection.ConnectionId);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _local.Remove(connection);
        return BestEffortAsync(_redis.OnDisconnectedAsync(connection), connection.ConnectionId);
    }

    /// <summary>
    /// To a connection of this node, written here; to any other, nothing. This app writes only to its own node's pages (a
    /// page's outbox lives where its connection does), so a connection not held here is one that has just closed: a
    /// registration's acceptance finishing after its page went away, say. Published through Redis it would reach no page,
    /// only whoever reads Redis, resume token and TURN password in clear.
    /// </summary>
    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _local[connectionId] is { } connection
            ? connection.WriteAsync(new InvocationMessage(methodName, args), cancellationToken).AsTask()
            : Task.CompletedTask;

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Task.WhenAll(connectionIds.Select(id => SendConnectionAsync(id, methodName, args, cancellationToken)));

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _redis.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _redis.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _redis.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        _redis.AddToGroupAsync(connectionId, groupName, cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        _redis.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        _redis.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => _redis.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        _redis.TryGetReturnType(invocationId, out type);

    /// <summary>
    /// Disposes the Redis backplane, whose disposal unsubscribes in Redis and throws when Redis does not answer: a node
    /// stopping while Redis is away would end with that exception instead of its exit code.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _redis.Dispose();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            BackplaneLog.DisposeFailed(logger, ex);
        }
    }

    private async Task BestEffortAsync(Task subscription, string connectionId)
    {
        try
        {
            await subscription.WaitAsync(SubscriptionWait).ConfigureAwait(false);
            if (Volatile.Read(ref _failuresLogged) != 0)
            {
                // Redis is back: the next outage is logged again.
                Interlocked.Exchange(ref _failuresLogged, 0);
            }
        }
        catch (Exception ex)
        {
            // Once per outage, then at Debug: an outage's thousands of connections would flood the log, and the
            // readiness check says Redis is down anyway.
            if (Interlocked.Exchange(ref _failuresLogged, 1) == 0)
            {
                BackplaneLog.SubscriptionFailed(logger, connectionId, ex);
            }
            else
            {
                BackplaneLog.SubscriptionFailedAgain(logger, connectionId, ex.GetType().Name);
            }

            _ = subscription.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }
}

internal static partial class BackplaneLog
{
    [LoggerMessage(EventId = 254, EventName = "BackplaneSubscriptionFailed", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: the SignalR backplane's Redis did not answer in time as the connection opened or closed; the connection goes on without it (this node's own messages never need it). Further failures are logged at Debug until one succeeds")]
    public static partial void SubscriptionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 257, EventName = "BackplaneDisposeFailed", Level = LogLevel.Information,
        Message = "The SignalR backplane could not unsubscribe from Redis as the node stopped (Redis does not answer)")]
    public static partial void DisposeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 255, EventName = "BackplaneSubscriptionFailedAgain", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId}: the backplane's Redis did not answer in time ({Error})")]
    public static partial void SubscriptionFailedAgain(ILogger logger, string connectionId, string error);
}
