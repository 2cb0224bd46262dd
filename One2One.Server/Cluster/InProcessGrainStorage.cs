using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace One2One.Server.Cluster;

/// <summary>
/// Grain storage for a cluster of one (no <c>Cluster:Redis</c>): each state is kept in this process as an object, a deep
/// copy of what the grain wrote (Orleans' copier, which shares what is immutable, such as a <see cref="NameClaim"/>).
/// </summary>
/// <remarks>
/// Every registered name keeps its claim here for as long as it is registered, so the cost per entry is the cost per
/// idle user: about 0.3 KiB, against about 0.5 KiB in Orleans' memory storage, which keeps each state serialized under
/// a text key (<c>"{state}/{grain id}"</c>) with a text ETag, and reaches it through a storage grain. Writes and clears
/// check the ETag as every Orleans storage does (a stale writer gets <see cref="InconsistentStateException"/>), and a
/// cleared state is removed, as with the Redis storage's <c>DeleteStateOnClear</c>. ETags are versions from one counter
/// for the whole storage, so a state written again after a clear never gets an ETag a stale writer could still hold.
/// <para>
/// Thread safety: the dictionary is concurrent and an entry is replaced whole (compare-and-swap on the entry), never
/// changed in place; Orleans calls the storage for one grain one call at a time anyway.
/// </para>
/// </remarks>
internal sealed class InProcessGrainStorage(DeepCopier copier, IActivatorProvider activators) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string StateName, GrainId Grain), Stored> _states = new();
    private long _lastVersion;

    /// <summary>States held (tests: everything cleared leaves none).</summary>
    public int Count => _states.Count;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue((stateName, grainId), out var stored))
        {
            grainState.State = copier.Copy((T)stored.State);
            grainState.ETag = ETagOf(stored.Version);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState.State);
        var key = (stateName, grainId);
        var state = copier.Copy(grainState.State);
        while (true)
        {
            var stored = _states.TryGetValue(key, out var current) ? current : null;
            ThrowIfStale(grainState.ETag, stored);
            var written = new Stored(state, Interlocked.Increment(ref _lastVersion));
            if (stored is null ? _states.TryAdd(key, written) : _states.TryUpdate(key, written, stored))
            {
                grainState.ETag = ETagOf(written.Version);
                grainState.RecordExists = true;
                return Task.CompletedTask;
            }
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        while (_states.TryGetValue(key, out var stored))
        {
            ThrowIfStale(grainState.ETag, stored);
            if (_states.TryRemove(KeyValuePair.Create(key, stored)))
            {
                break;
            }
        }

        // Nothing stored (any more): cleared already, which is what was asked.
        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>A writer must hold the stored state's ETag, or none when nothing is stored.</summary>
    private static void ThrowIfStale(string? etag, Stored? stored)
    {
        var current = stored is null ? null : ETagOf(stored.Version);
        if (!string.Equals(etag, current, StringComparison.Ordinal))
        {
            throw new InconsistentStateException("The state was written by another writer since it was read.", current, etag);
        }
    }

    private static string ETagOf(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>One written state: immutable, so an entry is only ever swapped whole (compared by reference).</summary>
    private sealed class Stored(object state, long version)
    {
        public object State { get; } = state;

        public long Version { get; } = version;
    }
}
