namespace One2One.Server.Cluster;

/// <summary>The cluster-wide side of registration: claims and frees names through their <see cref="INameClaimGrain"/>.</summary>
/// <remarks>Stateless; safe from any thread.</remarks>
internal sealed class NameClaims(IGrainFactory grains, ILocalSiloDetails silo)
{
    /// <summary>The grain key of a name: names are unique regardless of case (as <c>UserName.Comparer</c>).</summary>
    public static string KeyOf(string name) => name.ToUpperInvariant();

    /// <summary>This node.</summary>
    public SiloAddress Node => silo.SiloAddress;

    /// <summary>
    /// Claims the name for <paramref name="registration"/> on this node, reached through <paramref name="link"/>. The same
    /// registration claiming again moves the claim here (its page resumed on this node).
    /// </summary>
    public Task<bool> TryClaimAsync(string name, string registration, INodeLink link) =>
        grains.GetGrain<INameClaimGrain>(KeyOf(name)).TryClaim(new NameClaim(name, registration, silo.SiloAddress, link));

    /// <summary>A reference other nodes can call <paramref name="local"/> through; the caller keeps <paramref name="local"/> alive.</summary>
    public INodeLink Publish(INodeLink local) => grains.CreateObjectReference<INodeLink>(local);

    /// <summary>The claim on the name held by another live node, if any (a claim of a dead node, or of this one, is not).</summary>
    public async Task<NameClaim?> HeldElsewhereAsync(string name) =>
        await grains.GetGrain<INameClaimGrain>(KeyOf(name)).Holder().ConfigureAwait(false) is { } claim && !claim.Node.Equals(silo.SiloAddress)
            ? claim
            : null;

    /// <summary>The claim on the name as kept, its node alive or dead (see <see cref="INameClaimGrain.LastHolder"/>).</summary>
    public Task<NameClaim?> LastClaimAsync(string name) =>
        grains.GetGrain<INameClaimGrain>(KeyOf(name)).LastHolder();

    public Task ReleaseAsync(string name, string registration) =>
        grains.GetGrain<INameClaimGrain>(KeyOf(name)).Release(registration);
}
