using Orleans.Runtime;

namespace One2One.Server.Cluster;

/// <summary>
/// Keeps a call's <see cref="CallRecord"/> in grain storage (Redis in a cluster), so it outlives its home node.
/// </summary>
/// <remarks>
/// Orleans runs one call at a time on an activation, so a take-over is decided once. Each call ends the activation once it
/// is idle, as <see cref="NameClaimGrain"/> does: the record lives in storage, not in memory per call.
/// </remarks>
internal sealed class CallRecordGrain(
    [PersistentState("call", ClusterHosting.StorageName)] IPersistentState<CallRecordState> state,
    IClusterMembershipService membership) : Grain, ICallRecordGrain
{
    public async Task Save(CallRecord record)
    {
        DeactivateOnIdle();
        if (state.State.Record is { } held && !held.Home.Equals(record.Home) && !membership.IsDead(held.Home))
        {
            // A home that was declared dead too soon and still writes: the node that took the call over keeps it.
            return;
        }

        state.State.Record = record;
        await state.WriteStateAsync();
    }

    public Task<CallRecord?> Read()
    {
        DeactivateOnIdle();
        return Task.FromResult(state.State.Record);
    }

    public async Task Forget()
    {
        DeactivateOnIdle();
        if (state.RecordExists)
        {
            await state.ClearStateAsync();
        }
    }

    public async Task<CallTakeOver> TakeOver(SiloAddress node, SiloAddress deadHome)
    {
        DeactivateOnIdle();
        if (state.State.Record is not { } record)
        {
            return new CallTakeOver(TakeOverResult.None);
        }

        if (record.Home.Equals(node))
        {
            return new CallTakeOver(TakeOverResult.Taken, record);
        }

        if (!record.Home.Equals(deadHome))
        {
            return new CallTakeOver(TakeOverResult.TakenElsewhere);
        }

        // The asking node saw deadHome declared dead, which Orleans never takes back: no need to wait for this silo's view.
        var taken = record with { Home = node };
        state.State.Record = taken;
        await state.WriteStateAsync();
        return new CallTakeOver(TakeOverResult.Taken, taken);
    }
}

/// <summary>What <see cref="CallRecordGrain"/> persists.</summary>
[GenerateSerializer]
public sealed class CallRecordState
{
    [Id(0)]
    public CallRecord? Record { get; set; }
}
