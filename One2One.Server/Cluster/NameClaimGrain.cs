using Orleans.Runtime;

namespace One2One.Server.Cluster;

/// <summary>
/// Holds a name's claim in grain storage, so the claim outlives this activation and the node it ran on. A claim whose
/// node has left the cluster (membership says it is dead) no longer holds the name.
/// </summary>
/// <remarks>
/// Orleans runs one call at a time on an activation: the claim is read and written without locks. Each call ends the
/// activation once it is idle: the claim lives in storage, and an activation (about 2.5 KiB of Orleans state) per
/// registered name would be most of an idle user's memory; the next call for the name reads it back.
/// </remarks>
internal sealed class NameClaimGrain(
    [PersistentState("name", ClusterHosting.StorageName)] IPersistentState<NameClaimState> state,
    IClusterMembershipService membership) : Grain, INameClaimGrain
{
    public async Task<bool> TryClaim(NameClaim claim)
    {
        DeactivateOnIdle();
        if (state.State.Claim is { } held && held.Registration != claim.Registration && !membership.IsDead(held.Node))
        {
            return false;
        }

        state.State.Claim = claim;
        await state.WriteStateAsync();
        return true;
    }

    public async Task Release(string registration)
    {
        DeactivateOnIdle();
        if (state.State.Claim?.Registration != registration)
        {
            return;
        }

        await state.ClearStateAsync();
    }

    public Task<NameClaim?> Holder()
    {
        DeactivateOnIdle();
        return Task.FromResult(state.State.Claim is { } held && !membership.IsDead(held.Node) ? held : null);
    }

    public Task<NameClaim?> LastHolder()
    {
        DeactivateOnIdle();
        return Task.FromResult(state.State.Claim);
    }
}

/// <summary>What <see cref="NameClaimGrain"/> persists.</summary>
[GenerateSerializer]
public sealed class NameClaimState
{
    [Id(0)]
    public NameClaim? Claim { get; set; }
}
