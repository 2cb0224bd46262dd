namespace One2One.Server.Cluster;

/// <summary>
/// One registered name across the whole cluster, keyed by its case-folded form (<see cref="NameClaims.KeyOf"/>), so
/// "bob" on one node and "BOB" on another are the same grain and only one of them gets it.
/// </summary>
public interface INameClaimGrain : IGrainWithStringKey
{
    /// <summary>Claims the name for a registration; false when another registration on a live node holds it.</summary>
    Task<bool> TryClaim(NameClaim claim);

    /// <summary>Frees the name if <paramref name="registration"/> holds it (a later holder is left alone).</summary>
    Task Release(string registration);

    /// <summary>Who holds the name, if anyone.</summary>
    Task<NameClaim?> Holder();

    /// <summary>The claim as kept, its node alive or not: whose the name was, when nobody holds it now.</summary>
    Task<NameClaim?> LastHolder();
}

/// <summary>
/// A name held by one registration (a user, which keeps its id when a reload resumes it on a new connection) on one node
/// (the silo that hosts its connection), reached through <see cref="Link"/> (to ring the person there).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record NameClaim(
    [property: Id(0)] string Name,
    [property: Id(1)] string Registration,
    [property: Id(2)] SiloAddress Node,
    [property: Id(3)] INodeLink? Link = null);
