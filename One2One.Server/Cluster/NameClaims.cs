namespace One2One.Server.Cluster;

/// <summary>The cluster-wide side of registration: claims and frees names through their <see cref="INameClaimGrain"/>.</summary>
/// <remarks>Stateless; safe from any thread.</remarks>
internal sealed class NameClaims(IGrainFactory grains, ILocalSiloDetails silo)
{
    /// <summary>The grain key of a name: names are unique regardless of case (as <c>UserName.Comparer</c>).</summary>
    public static string KeyOf(string name) => name.ToUpperInvariant();

    public Task<bool> TryClaimAsync(string name, string registration) =>
        grains.GetGrain<INameClaimGrain>(KeyOf(name)).TryClaim(new NameClaim(name, registration, silo.SiloAddress));

    /// <summary>The claim on the name held by another live node, if any (a claim of a dead node, or of this one, is not).</summary>
    public async Task<NameClaim?> HeldElsewhereAsync(string name) =>
        await grains.GetGrain<INameClaimGrain>(KeyOf(name)).Holder().ConfigureAwait(false) is { } claim && !claim.Node.Equals(silo.SiloAddress)
            ? claim
            : null;

    public Task ReleaseAsync(string name, string registration) =>
        grains.GetGrain<INameClaimGrain>(KeyOf(name)).Release(registration);
}
