using System.Diagnostics;
using System.Globalization;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Benchmarks.Relay;

/// <summary>
/// <c>relay-step</c>: <see cref="RelayStepBenchmarks"/>'s step timed by the thread's CPU clock as well as the wall
/// clock. On a machine shared with other work the wall clock also counts the time the thread waited for a core;
/// the CPU clock does not, so it is the steadier figure there (the BenchmarkDotNet one is the reference).
/// </summary>
internal static class RelayStepCpu
{
    private const int PacketsPerRound = 16384;
    private const int Rounds = 15;

    public static int Run(string[] args)
    {
        SrtpProfile[] profiles = args is ["--profile", "cm", ..] ? [SrtpProfile.AesCm128HmacSha1_80]
            : args is ["--profile", "gcm", ..] ? [SrtpProfile.AeadAes128Gcm]
            : [SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm];
        foreach (var profile in profiles)
        {
            Measure(profile);
        }

        return 0;
    }

    private static void Measure(SrtpProfile profile)
    {
        var pair = RelayPair.Create(profile);
        try
        {
            var ring = new PacketRing(PacketsPerRound);
            var buffers = new ReceiveBuffers();
            buffers.ReceiveNext(pair);
            pair.ExpectRelayedPacket();
            buffers.WarmUp(pair);

            var cpu = new double[Rounds];
            var wall = new double[Rounds];
            ThreadCpuClock.Nanoseconds(); // the first call binds the P/Invoke, which allocates
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (int round = 0; round < Rounds; round++)
            {
                ring.Fill(pair);
                var cpuStart = ThreadCpuClock.Nanoseconds();
                var wallStart = Stopwatch.GetTimestamp();
                for (int i = 0; i < PacketsPerRound; i++)
                {
                    var datagram = ring.Next();
                    datagram.CopyTo(buffers.Receive);
                    pair.Source.Transport.OnDatagram(buffers.Receive, datagram.Length, pair.SourceBrowserAddress, buffers.Scratch, buffers.Response);
                }

                wall[round] = Stopwatch.GetElapsedTime(wallStart).TotalNanoseconds / PacketsPerRound;
                cpu[round] = (ThreadCpuClock.Nanoseconds() - cpuStart) / (double)PacketsPerRound;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            RelayChecks.ThrowIfAnyDropped(pair);
            Array.Sort(cpu);
            Array.Sort(wall);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"relay-step {profile}: CPU {cpu[0]:N0} ns best, {cpu[Rounds / 2]:N0} ns median; wall clock {wall[0]:N0} ns best, {wall[Rounds / 2]:N0} ns median; {allocated:N0} bytes allocated in {Rounds} rounds of {PacketsPerRound} steps"));
        }
        finally
        {
            pair.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
