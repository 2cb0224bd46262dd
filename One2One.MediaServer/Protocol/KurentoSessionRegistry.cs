using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using One2One.MediaServer.Elements;

namespace One2One.MediaServer.Protocol;

/// <summary>
/// Live sessions by id, their binding to sockets, and their collection: a session whose socket is gone for
/// <see cref="MediaServerOptions.SessionCollectTimeout"/> (a <see cref="TimeProvider"/> timer) is closed and the
/// pipelines and elements it created are released. Thread-safe (concurrent dictionary; each session locks itself).
/// </summary>
internal sealed class KurentoSessionRegistry
{
    private readonly ConcurrentDictionary<string, KurentoSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _releases = new();
    private readonly TimeProvider _timeProvider;
    private readonly MediaServerOptions _options;
    private readonly ILogger<KurentoSessionRegistry> _logger;

    public KurentoSessionRegistry(TimeProvider timeProvider, IOptions<MediaServerOptions> options, ILogger<KurentoSessionRegistry> logger)
    {
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public int Count => _sessions.Count;

    public IEnumerable<string> SessionIds => _sessions.Keys;

    public bool TryGet(string id, out KurentoSession session) =>
        _sessions.TryGetValue(id, out session!) && !session.IsClosed;

    /// <summary>
    /// The session a request acts for: its <c>sessionId</c>, else the socket's session, else a new one. As KMS, an
    /// unknown id is adopted (a client whose session was lost keeps sending its old id after the 40007 of connect).
    /// </summary>
    public KurentoSession Resolve(string? requestedId, ControlConnection connection, out bool created)
    {
        var id = requestedId ?? connection.Session?.Id;
        if (id is not null && TryGet(id, out var existing))
        {
            created = false;
            return existing;
        }

        created = true;
        return Create(id);
    }

    public KurentoSession Create(string? id = null)
    {
        if (id is not null && !IsAcceptableId(id))
        {
            throw KurentoErrors.InvalidParams("'sessionId' must be 1 to 128 printable characters");
        }

        if (_sessions.Count >= _options.MaxSessions)
        {
            throw KurentoErrors.NotEnoughResources($"The server holds {_options.MaxSessions} sessions (MediaServer:MaxSessions)");
        }

        while (true)
        {
            var session = new KurentoSession(id ?? Guid.NewGuid().ToString(), _timeProvider);
            if (_sessions.TryAdd(session.Id, session))
            {
                ControlProtocolLog.SessionCreated(_logger, session.Id);
                return session;
            }

            if (_sessions.TryGetValue(session.Id, out var other) && !other.IsClosed)
            {
                return other;
            }

            _sessions.TryRemove(new KeyValuePair<string, KurentoSession>(session.Id, other!));
        }
    }

    /// <summary>
    /// Binds <paramref name="connection"/> to <paramref name="session"/>; the socket's previous session starts its collect timer.
    /// Given <paramref name="unlessReboundSince"/> (a <see cref="KurentoSession.Binding"/> taken as a request started), not when
    /// another socket took the session meanwhile.
    /// </summary>
    public bool Bind(ControlConnection connection, KurentoSession session, long? unlessReboundSince = null)
    {
        if (!session.TryAttach(connection, unlessReboundSince))
        {
            return false;
        }

        var previous = connection.Session;
        connection.Session = session;
        if (previous is not null && !ReferenceEquals(previous, session))
        {
            previous.Detach(connection, StartCollectTimer);
        }

        return true;
    }

    /// <summary>The socket closed: its session keeps its objects until the collect timer fires.</summary>
    public void Unbind(ControlConnection connection)
    {
        var session = connection.Session;
        connection.Session = null;
        session?.Detach(connection, StartCollectTimer);
    }

    /// <summary>Forgets a session created for a request that failed, if nothing came of it.</summary>
    public void DiscardIfUnused(KurentoSession session)
    {
        if (session.OwnedCount == 0 && session.Connection is null)
        {
            Close(session, evenIfBound: true, "unused");
        }
    }

    /// <summary><c>closeSession</c>: the session ends now and its objects are released.</summary>
    public Task CloseAsync(KurentoSession session) => Close(session, evenIfBound: true, "closed by client");

    /// <summary>The server is stopping: closes every session and waits until what they held is released.</summary>
    public async Task CloseAllAsync()
    {
        foreach (var session in _sessions.Values)
        {
            await Close(session, evenIfBound: true, "closed as the server stops").ConfigureAwait(false);
        }

        await WhenReleasesDoneAsync().ConfigureAwait(false);
    }

    /// <summary>Completes when every release started by a collection or close so far has finished (tests, shutdown).</summary>
    public Task WhenReleasesDoneAsync() => Task.WhenAll(_releases.Keys);

    private ITimer StartCollectTimer(KurentoSession session, long binding)
    {
        ControlProtocolLog.SessionDetached(_logger, session.Id, _options.SessionCollectTimeout);
        return _timeProvider.CreateTimer(
            static state =>
            {
                var (registry, s, detachedAt) = ((KurentoSessionRegistry, KurentoSession, long))state!;
                registry.Close(s, evenIfBound: false, "collected", unlessReboundSince: detachedAt);
            },
            (this, session, binding),
            _options.SessionCollectTimeout,
            Timeout.InfiniteTimeSpan);
    }

    private Task Close(KurentoSession session, bool evenIfBound, string reason, long? unlessReboundSince = null)
    {
        var closed = session.TryClose(evenIfBound, unlessReboundSince);
        if (closed is not { } state)
        {
            return Task.CompletedTask;
        }

        _sessions.TryRemove(new KeyValuePair<string, KurentoSession>(session.Id, session));
        ControlProtocolLog.SessionClosed(_logger, session.Id, reason, state.Owned.Length);
        if (state.Owned.Length == 0 && state.Subscribed.Length == 0)
        {
            return Task.CompletedTask;
        }

        var release = ReleaseAsync(session, state.Owned, state.Subscribed);
        _releases.TryAdd(release, true);
        _ = release.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, bool>)s!).TryRemove(t, out _), _releases, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return release;
    }

    private async Task ReleaseAsync(KurentoSession session, MediaObjectImpl[] owned, MediaObjectImpl[] subscribed)
    {
        foreach (var mediaObject in subscribed)
        {
            mediaObject.UnsubscribeAll(session);
        }

        // Pipelines first: they take their children with them. What another session holds too (it took a hold on it, KMS
        // ref) stays, and so do the elements of a pipeline that stays.
        foreach (var mediaObject in owned.OrderBy(o => o is MediaPipelineImpl ? 0 : 1))
        {
            if (mediaObject.RemoveHolder(session) || mediaObject.IsReleased || mediaObject.Parent is { IsHeld: true, IsReleased: false })
            {
                continue;
            }

            try
            {
                await mediaObject.ReleaseAsync().ConfigureAwait(false);
            }
            catch (KurentoErrorException)
            {
                // Released by someone else meanwhile.
            }
#pragma warning disable CA1031 // One failing release must not keep the others alive.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ControlProtocolLog.ReleaseFailed(_logger, ex, mediaObject.Id);
            }
        }
    }

    private static bool IsAcceptableId(string id)
    {
        if (id.Length is 0 or > 128)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
