using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using One2One.MediaServer;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Benchmarks.Relay;

/// <summary>
/// <c>relay-load</c>: the relay end to end over loopback. A blaster thread sends SRTP video packets, protected
/// beforehand, at the media port (as fast as it can, or paced at <c>--rate</c>); the real media workers relay them
/// to the sink browser's socket, where a reader thread counts them and decrypts every 64th to prove them right.
/// Reports the packets relayed per second of wall-clock time and per second of CPU the relay used: the process's
/// CPU time without the blaster's and the reader's threads, and the media workers' own. One browser's address is
/// hashed to one worker, so the latter is the rate one core sustains; the wall-clock rate also depends on how
/// much of a core that worker got next to the blaster and the reader. <c>--batch 1</c> measures the per-datagram
/// system calls against the default batches.
/// Every packet is protected before the run (1,280 bytes each: the default flat-out run holds 500,000).
/// </summary>
internal static class RelayLoad
{
    private const string Usage = "relay-load [--profile cm|gcm|both] [--seconds 2] [--rate packets-per-second, 0 = flat out] [--workers n] [--batch n]";

    /// <summary>How many packets to protect for a flat-out run: more than the blaster can send per second here.</summary>
    private const int FlatOutPacketsPerSecond = 250_000;

    private const int MaxPackets = 600_000;
    private const int WarmUpPackets = 100_000;
    private const int VerifyEvery = 64;

    /// <summary>What the media port names its worker threads ("Media worker 0", ...).</summary>
    private const string ReceiveThreadName = "Media worker";

    public static int Run(string[] args)
    {
        var profiles = new[] { SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm };
        double seconds = 2;
        int rate = 0;
        // Flat out from one browser: the relay's cost is measured, not MediaServer:MaxInboundPacketsPerSecond's refusals.
        var options = new MediaServerOptions { MaxInboundPacketsPerSecond = 0 };
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--profile":
                    profiles = args[i + 1] switch
                    {
                        "cm" => [SrtpProfile.AesCm128HmacSha1_80],
                        "gcm" => [SrtpProfile.AeadAes128Gcm],
                        _ => profiles,
                    };
                    break;
                case "--seconds":
                    seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--rate":
                    rate = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--workers":
                    options.Workers = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--batch":
                    options.UdpBatch = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        _ = One2One.MediaServer.Rtc.Srtp.AcceleratedAes.IsEnabled;
        Console.WriteLine($"SRTP's AES: {One2One.MediaServer.Rtc.Srtp.AcceleratedAes.Reason}; UDP batch {options.UdpBatch}, workers {options.EffectiveWorkers}");
        var failed = false;
        foreach (var profile in profiles)
        {
            var result = RunOnce(profile, seconds, rate, options);
            result.Print();
            failed |= result.Failed;
        }

        return failed ? 1 : 0;
    }

    private static LoadResult RunOnce(SrtpProfile profile, double seconds, int rate, MediaServerOptions options)
    {
        var pair = RelayPair.Create(profile, options: options);
        try
        {
            var probe = new byte[RelayPair.DatagramSlot];
            pair.SourceBrowser.SendTo(probe.AsSpan(0, pair.ProtectNext(probe)), pair.SourceEndPoint);
            pair.ExpectRelayedPacket();
            pair.SourceBrowser.Connect(pair.SourceEndPoint);

            var warmUp = new PacketRing(WarmUpPackets);
            warmUp.Fill(pair);
            var count = (int)Math.Min(MaxPackets, seconds * (rate > 0 ? rate : FlatOutPacketsPerSecond));
            var pool = new PacketRing(count);
            pool.Fill(pair);

            Blast(pair, warmUp, WarmUpPackets, rate: 0);
            return Blast(pair, pool, count, rate);
        }
        finally
        {
            pair.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static LoadResult Blast(RelayPair pair, PacketRing packets, int count, int rate)
    {
        var result = new LoadResult(pair.Profile, rate);
        var reader = new SinkReader(pair);
        var relayedBefore = RelayedBySink(pair);
        var sourceDropsBefore = UdpSocketStats.Drops(pair.Source.Transport.LocalPort);
        var sinkDropsBefore = UdpSocketStats.Drops(((System.Net.IPEndPoint)pair.SinkBrowser.LocalEndPoint!).Port);
        var unprotectFailedBefore = pair.Source.Transport.Counters.UnprotectFailed;
        var softIrqBefore = ThreadCpu.SoftIrqThreads();
        var receiveThreadsBefore = ThreadCpu.Threads(ReceiveThreadName);
        GC.Collect();
        var collectionsBefore = GC.CollectionCount(0);
        var processBefore = ThreadCpu.Process();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var readerThread = new Thread(reader.Run) { Name = "sink browser", IsBackground = true };
        readerThread.Start();
        var source = new SourceBlaster(pair, packets, count, rate, reader);
        var blaster = new Thread(source.Run) { Name = "source browser", IsBackground = true };
        blaster.Start();
        blaster.Join();
        reader.WaitUntilQuiet(TimeSpan.FromMilliseconds(300));
        reader.Stop();
        readerThread.Join();

        result.Allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        result.ProcessCpu = ThreadCpu.Process() - processBefore;
        result.Gen0Collections = GC.CollectionCount(0) - collectionsBefore;
        result.ReceiveThreadsCpu = ThreadCpu.Threads(ReceiveThreadName) - receiveThreadsBefore;
        result.SoftIrqCpu = ThreadCpu.SoftIrqThreads() - softIrqBefore;
        result.Offered = source.Sent;
        result.Stalled = source.Stalled;
        result.OfferSeconds = Stopwatch.GetElapsedTime(source.Start, source.End).TotalSeconds;
        result.RelaySeconds = Stopwatch.GetElapsedTime(source.Start, reader.LastReceived).TotalSeconds;
        result.BlasterCpu = source.Cpu;
        result.ReaderCpu = reader.Cpu;
        result.DroppedAtSource = UdpSocketStats.Drops(pair.Source.Transport.LocalPort) - sourceDropsBefore;
        result.UnprotectFailed = pair.Source.Transport.Counters.UnprotectFailed - unprotectFailedBefore;
        result.Relayed = RelayedBySink(pair) - relayedBefore;
        result.Received = reader.Received;
        result.DroppedAtSinkBrowser = UdpSocketStats.Drops(((System.Net.IPEndPoint)pair.SinkBrowser.LocalEndPoint!).Port) - sinkDropsBefore;
        result.Verified = reader.Verified;
        result.Wrong = reader.Wrong;
        return result;
    }

    /// <summary>Video packets the sink endpoint has sent its browser (its outbound stats).</summary>
    private static long RelayedBySink(RelayPair pair)
    {
        foreach (var stats in pair.Sink.GetStats())
        {
            if (stats.Kind == KurentoMediaType.Video && !stats.Inbound)
            {
                return stats.Packets;
            }
        }

        return 0;
    }

    /// <summary>
    /// The source browser: sends the protected packets, paced or flat out, but never more than <see cref="Window"/>
    /// packets ahead of what reached the sink. Flat out, the kernel drops most of them at the source's full socket,
    /// and SRTP cannot follow a jump of 2^15 sequence numbers (RFC 3711 §3.3.1): a media worker kept off the CPU
    /// that long by other work would lose the stream for good. The window keeps the socket full all the same.
    /// </summary>
    private sealed class SourceBlaster(RelayPair pair, PacketRing packets, int count, int rate, SinkReader reader)
    {
        private const int Window = 16384;
        private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(2);

        public long Start { get; private set; }

        public long End { get; private set; }

        public int Sent { get; private set; }

        /// <summary>Nothing reached the sink for <see cref="StallTimeout"/>: the run stopped early.</summary>
        public bool Stalled { get; private set; }

        public TimeSpan Cpu { get; private set; }

        public void Run()
        {
            var cpuBefore = ThreadCpu.CurrentThread();
            Start = Stopwatch.GetTimestamp();
            var interval = rate > 0 ? Stopwatch.Frequency / (double)rate : 0;
            var first = packets.FirstSequence;
            for (int i = 0; i < count && !Stalled; i++)
            {
                if (rate > 0)
                {
                    var due = Start + (long)(i * interval);
                    while (Stopwatch.GetTimestamp() < due)
                    {
                        Thread.SpinWait(8);
                    }
                }

                WaitForWindow((ushort)(first + i));
                pair.SourceBrowser.Send(packets.Next());
                Sent++;
            }

            End = Stopwatch.GetTimestamp();
            Cpu = ThreadCpu.CurrentThread() - cpuBefore;
        }

        private void WaitForWindow(ushort sequence)
        {
            long waitingSince = 0;
            while ((ushort)(sequence - Reached()) > Window)
            {
                waitingSince = waitingSince == 0 ? Stopwatch.GetTimestamp() : waitingSince;
                if (Stopwatch.GetElapsedTime(waitingSince) > StallTimeout)
                {
                    Stalled = true;
                    return;
                }

                Thread.Yield();
            }
        }

        /// <summary>The sequence number last seen at the sink; before the first, the one before the first sent.</summary>
        private ushort Reached() => reader.LastSequence is var last and >= 0 ? (ushort)last : (ushort)(packets.FirstSequence - 1);
    }

    /// <summary>The sink browser: reads everything that arrives (polling every millisecond), checks every <see cref="VerifyEvery"/>th packet.</summary>
    private sealed class SinkReader(RelayPair pair)
    {
        private long _received;
        private long _lastReceived;
        private int _lastSequence = -1;
        private volatile bool _stopping;

        public long Received => Interlocked.Read(ref _received);

        public long LastReceived => Interlocked.Read(ref _lastReceived);

        /// <summary>The RTP sequence number of the last packet that arrived (SRTP leaves the header in the clear), -1 before one.</summary>
        public int LastSequence => Volatile.Read(ref _lastSequence);

        public long Verified { get; private set; }

        public long Wrong { get; private set; }

        public TimeSpan Cpu { get; private set; }

        public void Run()
        {
            var cpuBefore = ThreadCpu.CurrentThread();
            var datagram = new byte[RelayPair.DatagramSlot];
            var work = new byte[RelayPair.DatagramSlot];
            while (!_stopping)
            {
                // Polled, not blocked in recv: a reader asleep on the socket would make every relayed send wake it,
                // work a remote browser never costs the server. The 4 MB buffer holds far more than a millisecond.
                if (pair.SinkBrowser.Available == 0)
                {
                    Thread.Sleep(1);
                    continue;
                }

                int length = pair.SinkBrowser.Receive(datagram);

                var received = Interlocked.Increment(ref _received);
                Interlocked.Exchange(ref _lastReceived, Stopwatch.GetTimestamp());
                Volatile.Write(ref _lastSequence, BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(2)));
                if (received % VerifyEvery == 0)
                {
                    if (pair.IsRelayedPacket(datagram.AsSpan(0, length), work))
                    {
                        Verified++;
                    }
                    else
                    {
                        Wrong++;
                    }
                }
            }

            Cpu = ThreadCpu.CurrentThread() - cpuBefore;
        }

        /// <summary>Returns once nothing arrived for <paramref name="quiet"/>: the relay has emptied its socket.</summary>
        public void WaitUntilQuiet(TimeSpan quiet)
        {
            var last = Received;
            while (true)
            {
                Thread.Sleep(quiet);
                var now = Received;
                if (now == last)
                {
                    return;
                }

                last = now;
            }
        }

        public void Stop() => _stopping = true;
    }
}
