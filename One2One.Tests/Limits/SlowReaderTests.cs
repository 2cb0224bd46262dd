using System.Text;
using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.Support;
using Xunit.Abstractions;

namespace One2One.Tests.Limits;

/// <summary>
/// A client that floods invocations and never reads its socket, against the real server with the shipped limits.
/// Each flooded <c>Call("nobody", …)</c> makes the server queue a rejection for that client; SignalR's send buffer
/// fills (the client's receive window is tiny), then its outbox does, and the server disconnects it.
/// </summary>
/// <remarks>
/// Memory is the server's managed heap, measured after a forced full collection every 100 ms while the flood runs
/// (the test host shares the process, so these tests run alone, after all parallel ones). What matters is what the
/// server keeps: each flooded invocation (60 bytes on the wire) leaves a queued rejection of a few hundred bytes if
/// nothing bounds the outbox, so the flood's 32 MB would keep tens of megabytes; bounded, the outbox holds 256 of
/// them (tens of kilobytes), SignalR's buffers about 200 KB, and the other pair's call its endpoints.
/// </remarks>
[Collection(ProcessMeasurementCollection.Name)]
public sealed class SlowReaderTests(ITestOutputHelper output)
{
    private const long FloodBytes = 32 * 1024 * 1024;
    private const long HeapGrowthBound = 8 * 1024 * 1024;

    [Fact]
    public async Task A_client_that_floods_without_reading_is_disconnected_memory_stays_bounded_and_another_call_sets_up()
    {
        await using var server = new One2OneServerFactory { ShippedLimits = true };
        var users = server.Services.GetRequiredService<UserRegistry>();
        await using var alice = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("alice"));
        await using var bob = await SignalingClient.RegisteredAsync(server.HubUri, Names.Unique("bob"));
        await CallAndHangUpAsync(alice, bob); // warms up the call path so the baseline holds what a first call allocates once
        var baseline = Heap();

        var slowName = Names.Unique("slow");
        await using var slow = await RawHubClient.RegisteredAsync(server.HubUri, ClientSource.SecondAddress, slowName, receiveBufferSize: 4096);

        using var sampler = new HeapSampler(baseline);
        using var stopFlood = new CancellationTokenSource();
        var flood = slow.FloodAsync(FloodChunk(), FloodBytes, stopFlood.Token);

        // Meanwhile, another pair's call sets up: both answers arrive, negotiated by the embedded media server.
        await alice.ConnectCallAsync(bob);

        await Eventually.ReturnsAsync(() => Task.FromResult(users.FindByName(slowName) is null || flood.IsCompleted), done => done);
        var serverLetGo = users.FindByName(slowName) is null;
        await stopFlood.CancelAsync();
        var sent = await flood;
        var peak = await sampler.StopAfterAsync(moreSamples: 5); // what the server still processes after the flood counts too

        output.WriteLine($"flooded {sent / 1024} KiB; disconnected by the server: {serverLetGo}; " +
            $"heap growth: peak {peak / 1024} KiB over {sampler.Samples} samples (bound {HeapGrowthBound / 1024} KiB)");
        serverLetGo.Should().BeTrue("the server disconnects a client that lets its outbox fill");
        peak.Should().BeLessThan(HeapGrowthBound, "a client that does not read costs a bounded amount of memory");
        await alice.StopAsync();
        (await bob.WaitForAsync<StopCommunication>()).Message.Reason.Should().Be(Reasons.HungUp, "the other call was undisturbed until hung up");
    }

    private static async Task CallAndHangUpAsync(SignalingClient caller, SignalingClient callee)
    {
        await caller.ConnectCallAsync(callee);
        await caller.StopAsync();
        await callee.WaitForAsync<StopCommunication>();

        // The caller's server candidates may still be on their way after its own hang-up (failed once: the next call's
        // first message was one of them). A ring the other way comes after all of them (a page's messages keep their
        // order): once it arrives, nothing of the first call is left to come.
        await callee.CallAsync(caller.Name, LimitedServer.Offer);
        await caller.WaitForAsync<IncomingCall>();
        await caller.RejectAsync(callee.Name!);
        await callee.WaitForAsync<CallResponse>();
        caller.Drain();
        callee.Drain();
    }

    /// <summary>About 64 KiB of Call invocations to a name nobody holds, each answered with a rejection.</summary>
    private static byte[] FloodChunk()
    {
        var invocation = RawHubClient.Invocation("Call", "nobody", "v=0");
        return Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(invocation, (64 * 1024) / invocation.Length)));
    }

    private static long Heap() => GC.GetTotalMemory(forceFullCollection: true);

    /// <summary>The largest growth of the managed heap over a baseline, each sample after a full collection.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<long> _sampling;
        private int _samples;

        public HeapSampler(long baseline) => _sampling = Task.Run(() => SampleAsync(baseline));

        public int Samples => Volatile.Read(ref _samples);

        public async Task<long> StopAfterAsync(int moreSamples)
        {
            var until = Samples + moreSamples;
            while (Samples < until && !_sampling.IsCompleted)
            {
                await Task.Delay(50);
            }

            await _stop.CancelAsync();
            return await _sampling;
        }

        public void Dispose() => _stop.Dispose();

        private async Task<long> SampleAsync(long baseline)
        {
            var peak = long.MinValue;
            do
            {
                peak = Math.Max(peak, Heap() - baseline);
                Interlocked.Increment(ref _samples);
                try
                {
                    await Task.Delay(100, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
            while (!_stop.IsCancellationRequested);

            return Math.Max(peak, Heap() - baseline);
        }
    }
}
