using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace One2One.Server.Limits;

/// <summary>
/// How many of something (registered names, calls) one client address may hold at once. Each holder (a connection, a
/// call) takes a place by its id and gives it back by the same id; giving back twice, or what was never taken, does nothing.
/// </summary>
/// <remarks>Thread-safe: places are counted by a concurrency limiter per address and held in a concurrent dictionary;
/// an address's limiter is dropped by the partitioned limiter's housekeeping once nothing from it is held.</remarks>
internal sealed class AddressQuota(int limit) : IDisposable
{
    private readonly PartitionedRateLimiter<ClientAddress> _places = Places(limit);

    // An IPv6 address's /48 as a whole (ClientAddress.Network), at NetworkShare times an address's places.
    private readonly PartitionedRateLimiter<ClientAddress> _networkPlaces = Places(ClientAddress.NetworkFigure(limit));

    private readonly ConcurrentDictionary<string, RateLimitLease> _held = new(StringComparer.Ordinal);

    public int Limit { get; } = limit;

    /// <summary>What the places of one IPv6 /48 (<see cref="ClientAddress.Network"/>) may be together.</summary>
    public int NetworkLimit { get; } = ClientAddress.NetworkFigure(limit);

    /// <summary>Whether it is <paramref name="address"/>'s /48 as a whole, rather than the address, that holds all its places now.</summary>
    public bool IsNetworkFull(ClientAddress address) =>
        address.HasWiderNetwork && _networkPlaces.GetStatistics(address.Network)?.CurrentAvailablePermits <= 0
        && !(_places.GetStatistics(address)?.CurrentAvailablePermits <= 0);

    /// <summary>Whether <paramref name="address"/>, or its /48, holds all its places now (a place may free up or be taken just after).</summary>
    public bool IsFull(ClientAddress address) =>
        _places.GetStatistics(address)?.CurrentAvailablePermits <= 0
        || (address.HasWiderNetwork && _networkPlaces.GetStatistics(address.Network)?.CurrentAvailablePermits <= 0);

    public bool TryTake(string holderId, ClientAddress address)
    {
        var lease = _places.AttemptAcquire(address);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            return false;
        }

        if (address.HasWiderNetwork)
        {
            var networkLease = _networkPlaces.AttemptAcquire(address.Network);
            if (!networkLease.IsAcquired)
            {
                networkLease.Dispose();
                lease.Dispose();
                return false;
            }

            lease = new PairedLease(lease, networkLease);
        }

        if (!_held.TryAdd(holderId, lease))
        {
            // The holder already has a place: one is all it gets.
            lease.Dispose();
        }

        return true;
    }

    /// <summary>
    /// Hands <paramref name="from"/>'s place, still counted against the address it was taken for, to <paramref name="to"/>
    /// (a registration that outlives its connection, or comes back on a new one). Nothing happens when
    /// <paramref name="from"/> holds no place; a place <paramref name="to"/> already held is given back.
    /// </summary>
    public void Move(string from, string to)
    {
        if (_held.TryRemove(from, out var lease) && !_held.TryAdd(to, lease))
        {
            lease.Dispose();
        }
    }

    public void GiveBack(string holderId)
    {
        if (_held.TryRemove(holderId, out var lease))
        {
            lease.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var holder in _held.Keys)
        {
            GiveBack(holder);
        }

        _places.Dispose();
        _networkPlaces.Dispose();
    }

    private static PartitionedRateLimiter<ClientAddress> Places(int limit) => PartitionedRateLimiter.Create<ClientAddress, ClientAddress>(address =>
        RateLimitPartition.GetConcurrencyLimiter(address, _ => new ConcurrencyLimiterOptions { PermitLimit = limit, QueueLimit = 0 }));

    /// <summary>An address's place and its network's, given back together.</summary>
    private sealed class PairedLease(RateLimitLease address, RateLimitLease network) : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                address.Dispose();
                network.Dispose();
            }
        }
    }
}
