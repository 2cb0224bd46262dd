using StackExchange.Redis;

namespace One2One.Server.Cluster;

/// <summary>
/// Asks the cluster's Redis whether it answers now (a PING), over one connection made on the first probe and kept
/// (StackExchange.Redis reconnects by itself). A probe that gives up while the connection is still being made leaves it
/// being made for the next probe: it is never started twice, so probes while Redis is unreachable leave nothing behind.
/// </summary>
/// <remarks>
/// Thread-safe: the one connection (or its making) is held in <see cref="_connecting"/>, set under <see cref="_gate"/> (again
/// only when its making failed outright).
/// </remarks>
internal sealed class RedisProbe(string connectionString, TimeSpan wait) : IAsyncDisposable
{
    /// <summary>The name the probe's connection gives itself (<c>CLIENT SETNAME</c>), so Redis's client list shows it.</summary>
    public const string ClientName = "one2one-readiness";

    private readonly Lock _gate = new();
    private Task<ConnectionMultiplexer>? _connecting;
    private bool _disposed;

    /// <summary>Redis's round trip.</summary>
    /// <exception cref="RedisException">Redis refused, or the connection failed.</exception>
    /// <exception cref="TimeoutException">No answer within the probe's wait.</exception>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        var redis = await Connection().WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        return await redis.GetDatabase().PingAsync().WaitAsync(wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether Redis holds <paramref name="field"/> in the hash at <paramref name="key"/>.</summary>
    /// <exception cref="RedisException">Redis refused, or the connection failed.</exception>
    /// <exception cref="TimeoutException">No answer within the probe's wait.</exception>
    public async Task<bool> HashFieldExistsAsync(RedisKey key, RedisValue field, CancellationToken cancellationToken)
    {
        var redis = await Connection().WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        return await redis.GetDatabase().HashExistsAsync(key, field).WaitAsync(wait, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_gate)
        {
            _disposed = true;
            connecting = _connecting;
        }

        if (connecting is null)
        {
            return;
        }

        if (connecting.IsCompletedSuccessfully)
        {
            await connecting.Result.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            // A connection still being made is closed once it is made.
            _ = connecting.ContinueWith(static made => made.Result.Dispose(), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }

    private Task<ConnectionMultiplexer> Connection()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectAsync();
            }

            return _connecting;
        }
    }

    private Task<ConnectionMultiplexer> ConnectAsync()
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = 2000;
        configuration.AsyncTimeout = 2000;
        configuration.ClientName = ClientName;
        // A probe asks whether Redis answers now: commands are not queued while the connection is down.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        return ConnectionMultiplexer.ConnectAsync(configuration);
    }
}
