using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.GrainDirectory;

namespace One2One.Server.Cluster;

/// <summary>
/// The silo's grain-location cache (Orleans' own LRU cache) without the name claims. A <see cref="NameClaimGrain"/> ends
/// its activation after every call, so a cached address of one is stale as soon as it is stored; kept, it would be an
/// entry (about 230 bytes) per registered name, for nothing. Every other grain is cached as by default.
/// </summary>
/// <remarks>Thread-safe as the cache it wraps.</remarks>
internal sealed class ClaimlessDirectoryCache(IGrainDirectoryCache cache) : IGrainDirectoryCache, IAsyncDisposable, IDisposable
{
    /// <summary>The claim grain's type: its class name without "Grain", lower-cased, as Orleans names grain classes.</summary>
    public static readonly GrainType ClaimType = GrainType.Create("nameclaim");

    public IEnumerable<(GrainAddress ActivationAddress, int Version)> KeyValues => cache.KeyValues;

    public void AddOrUpdate(GrainAddress value, int version)
    {
        if (!value.GrainId.Type.Equals(ClaimType))
        {
            cache.AddOrUpdate(value, version);
        }
    }

    public bool Remove(GrainId key) => cache.Remove(key);

    public bool Remove(GrainAddress key) => cache.Remove(key);

    public void Clear() => cache.Clear();

    public bool LookUp(GrainId key, [NotNullWhen(true)] out GrainAddress? result, out int version) => cache.LookUp(key, out result, out version);

    /// <summary>Disposes the wrapped cache (Orleans' LRU cache is asynchronously disposable): Orleans leaves a custom cache to its container.</summary>
    public ValueTask DisposeAsync() => cache is IAsyncDisposable disposable ? disposable.DisposeAsync() : default;

    /// <summary>For a container disposed synchronously (it refuses a service that is only asynchronously disposable).</summary>
    public void Dispose()
    {
        if (cache is IDisposable disposable)
        {
            disposable.Dispose();
        }
        else
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}

internal static class ClaimlessDirectoryCacheExtensions
{
    /// <summary>Makes the silo cache grain locations in a <see cref="ClaimlessDirectoryCache"/> over Orleans' LRU cache, sized and aged as configured.</summary>
    public static ISiloBuilder UseClaimlessDirectoryCache(this ISiloBuilder silo)
    {
        silo.Configure<GrainDirectoryOptions>(options => options.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.Custom);
        silo.Services.AddSingleton<IGrainDirectoryCache>(services =>
        {
            var configured = services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;
            var lru = new GrainDirectoryOptions
            {
                CachingStrategy = GrainDirectoryOptions.CachingStrategyType.LRU,
                CacheSize = configured.CacheSize,
                MaximumCacheTTL = configured.MaximumCacheTTL,
            };
            return new ClaimlessDirectoryCache(GrainDirectoryCacheFactory.CreateGrainDirectoryCache(services, lru));
        });
        return silo;
    }
}
