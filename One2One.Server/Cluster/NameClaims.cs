namespace One2One.Server.Cluster;

/// <summary>The cluster-wide side of registration: claims and frees names through their <see cref="INameClaimGrain"/>.</summary>
/// <remarks>Stateless; safe from any thread.</remarks>
internal sealed class NameClaims(IGrainFactory grains, ILocalSiloDetails silo)
{
    /// <summary>The grain key of a name: names are unique regardless of case (as <c>UserName.Comparer</c>).</summary>
    public static string KeyOf(string name) => name.ToUpperInvariant();

    public Task<bool> TryClaimAsync(string name, string registration) =>
        grains.GetGrain<INameClaimGrain>(KeyOf(name)).TryClaim(new NameClaim(name, registration, silo.SiloAddress));

    /// <summary>Who holds the name across the cluster, if anyone (a claim of a dead node holds nothing).</summary>
    public Task<NameClaim?> HolderAsync(string name) => grains.GetGrain<INameClaimGrain>(KeyOf(name)).Holder();

    public Task ReleaseAsync(string name, string registration) =>
        grains.GetGrain<INameClaimGrain>(KeyOf(name)).Release(registration);
}
