using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using One2One.Server.Cluster;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace One2One.Tests.Cluster;

/// <summary>
/// A node's take-over of a dead home's call whose answer does not come in time (Orleans' response timeout) is asked for
/// once more: the record may already name this node the call's home, and then the node must run the call, since every
/// other survivor is told it is taken. Orleans' in-process test cluster of two silos, the asking node being the first; the
/// lost answer is made by a grain call filter (the grain's work done, then the timeout its caller would have had): it
/// cannot be caused at will.
/// </summary>
public sealed class LostTakeOverAnswerTests : IAsyncLifetime
{
    private static readonly SiloAddress DeadHome = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 1), 1);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TwoSiloTestCluster.StartAsync<LosingTakeOverAnswers>();

    public async Task DisposeAsync()
    {
        LostTakeOverAnswers.ToLose = 0;
        await TwoSiloTestCluster.StopAsync(_cluster);
    }

    [Fact]
    public async Task A_take_over_whose_answer_was_lost_after_the_record_named_this_node_is_taken_by_this_node()
    {
        var records = RecordsOf(_cluster.Primary!);
        await Record("call-1").Save(RecordOf("call-1", DeadHome));
        LostTakeOverAnswers.ToLose = 1;

        var taken = await records.TakeOverAsync("call-1", DeadHome);

        taken.Result.Should().Be(TakeOverResult.Taken, "the first ask made this node the call's home; its answer alone was lost");
        taken.Record!.Home.Should().Be(records.Node);
        (await Record("call-1").Read())!.Home.Should().Be(records.Node);
    }

    [Fact]
    public async Task A_lost_answer_to_a_node_that_lost_the_race_is_asked_again_and_says_the_call_is_taken_elsewhere()
    {
        var (first, second) = (RecordsOf(_cluster.Primary!), RecordsOf(_cluster.SecondarySilos[0]));
        await Record("call-2").Save(RecordOf("call-2", DeadHome));
        (await second.TakeOverAsync("call-2", DeadHome)).Result.Should().Be(TakeOverResult.Taken);
        LostTakeOverAnswers.ToLose = 1;

        (await first.TakeOverAsync("call-2", DeadHome)).Should().Be(new CallTakeOver(TakeOverResult.TakenElsewhere));
        (await Record("call-2").Read())!.Home.Should().Be(second.Node, "the node that won keeps the call");
    }

    [Fact]
    public async Task A_second_lost_answer_reaches_the_caller_it_is_asked_for_twice_not_without_end()
    {
        var records = RecordsOf(_cluster.Primary!);
        await Record("call-3").Save(RecordOf("call-3", DeadHome));
        LostTakeOverAnswers.ToLose = 2;

        await records.Invoking(r => r.TakeOverAsync("call-3", DeadHome)).Should().ThrowAsync<TimeoutException>("it asks once more, not without end");
        LostTakeOverAnswers.ToLose.Should().Be(0, "both answers were lost: two asks");
    }

    private CallRecords RecordsOf(SiloHandle silo)
    {
        var services = _cluster.GetSiloServiceProvider(silo.SiloAddress);
        return new CallRecords(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<ILocalSiloDetails>(),
            Options.Create(new ClusterNodeOptions { Redis = "the test cluster's storage" }), TimeProvider.System, NullLogger<CallRecords>.Instance);
    }

    private ICallRecordGrain Record(string callId) => _cluster.GrainFactory.GetGrain<ICallRecordGrain>(callId);

    private static CallRecord RecordOf(string callId, SiloAddress home) => CallRecordGrainTests.RecordOf(callId, home);

    private sealed class LosingTakeOverAnswers : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter<LostTakeOverAnswers>();
    }

    /// <summary>Lets the next <see cref="ToLose"/> take-overs do their work, then fails each as if its answer never came.</summary>
    private sealed class LostTakeOverAnswers : IIncomingGrainCallFilter
    {
        public static int ToLose;

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            await context.Invoke();
            if (context.MethodName == nameof(ICallRecordGrain.TakeOver) && TakeOneToLose())
            {
                throw new TimeoutException("The take-over's answer did not come in time (made by the test).");
            }
        }

        /// <summary>Counts one answer lost, if any is left to lose (never below 0).</summary>
        private static bool TakeOneToLose()
        {
            while (Volatile.Read(ref ToLose) is var left and > 0)
            {
                if (Interlocked.CompareExchange(ref ToLose, left - 1, left) == left)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
