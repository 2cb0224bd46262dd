using System.Net;
using One2One.Server.Cluster;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace One2One.Tests.Cluster;

/// <summary>
/// The durable part of calls on Orleans' in-process test cluster of two silos: a call's record (who takes it over when its
/// home dies is decided once) and a node's list of its calls (given to one survivor).
/// </summary>
public sealed class CallRecordGrainTests : IAsyncLifetime
{
    private static readonly SiloAddress DeadHome = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1), 1);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TwoSiloTestCluster.StartAsync();

    public Task DisposeAsync() => TwoSiloTestCluster.StopAsync(_cluster);

    [Fact]
    public async Task The_first_node_to_take_a_dead_home_s_call_over_gets_it_and_becomes_its_home_the_others_are_told_it_is_taken()
    {
        var (first, second) = (_cluster.Silos[0].SiloAddress, _cluster.Silos[1].SiloAddress);
        var grain = Record("call-1");
        await grain.Save(RecordOf("call-1", DeadHome));

        var taken = await grain.TakeOver(first, DeadHome);
        var late = await grain.TakeOver(second, DeadHome);

        taken.Result.Should().Be(TakeOverResult.Taken);
        taken.Record!.Home.Should().Be(first);
        taken.Record.PipelineId.Should().Be("pipeline-1", "the rest of the record is as saved");
        late.Should().Be(new CallTakeOver(TakeOverResult.TakenElsewhere));
        (await grain.TakeOver(first, DeadHome)).Result.Should().Be(TakeOverResult.Taken, "asking again is harmless");
        (await grain.Read())!.Home.Should().Be(first);
    }

    [Fact]
    public async Task A_call_whose_home_is_not_the_one_that_died_is_not_taken_and_an_unknown_or_forgotten_call_has_no_record()
    {
        var (first, second) = (_cluster.Silos[0].SiloAddress, _cluster.Silos[1].SiloAddress);
        await Record("call-2").Save(RecordOf("call-2", first));

        (await Record("call-2").TakeOver(second, DeadHome)).Result.Should().Be(TakeOverResult.TakenElsewhere, "its home is another node");
        (await Record("never-kept").TakeOver(second, DeadHome)).Result.Should().Be(TakeOverResult.None);

        await Record("call-2").Forget();
        (await Record("call-2").Read()).Should().BeNull();
        (await Record("call-2").TakeOver(second, first)).Result.Should().Be(TakeOverResult.None, "an ended call is not taken over");
    }

    [Fact]
    public async Task The_record_survives_its_activation_and_a_late_write_of_an_old_home_does_not_undo_a_take_over()
    {
        var second = _cluster.Silos[1].SiloAddress;
        await Record("call-3").Save(RecordOf("call-3", DeadHome));
        await _cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        (await Record("call-3").TakeOver(second, DeadHome)).Result.Should().Be(TakeOverResult.Taken, "read back from storage");

        // The old home's write that was still on its way lands after the take-over: the live home keeps the call.
        await Record("call-3").Save(RecordOf("call-3", DeadHome) with { PipelineId = "stale" });
        (await Record("call-3").Read())!.Should().Match<CallRecord>(r => r.Home.Equals(second) && r.PipelineId == "pipeline-1");

        // Its own writes go through.
        await Record("call-3").Save(RecordOf("call-3", second) with { PipelineId = "pipeline-2" });
        (await Record("call-3").Read())!.PipelineId.Should().Be("pipeline-2");
    }

    [Fact]
    public async Task A_node_s_list_of_calls_follows_its_updates_and_goes_whole_to_the_first_survivor_that_takes_it()
    {
        var list = _cluster.GrainFactory.GetGrain<INodeCallsGrain>(CallRecords.KeyOf(DeadHome));
        await list.Update(["a", "b", "c"], []);
        await list.Update(["d"], ["b"]);
        await _cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        (await list.Take()).Should().BeEquivalentTo(["a", "c", "d"]);
        (await list.Take()).Should().BeEmpty("the first survivor took them all");
    }

    private ICallRecordGrain Record(string callId) => _cluster.GrainFactory.GetGrain<ICallRecordGrain>(callId);

    internal static CallRecord RecordOf(string callId, SiloAddress home) => new(
        callId, home, "ws://127.0.0.1:8888", "pipeline-1",
        new CallParty("alice", "reg-alice", "key-alice", "pipeline-1/caller", home),
        new CallParty("bob", "reg-bob", "key-bob", "pipeline-1/callee", home));
}
