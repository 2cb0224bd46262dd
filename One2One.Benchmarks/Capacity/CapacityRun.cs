using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using One2One.Benchmarks.Relay;
using One2One.MediaServer;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Relay;
using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Benchmarks.Capacity;

/// <summary>
/// <c>capacity</c>: how many concurrent calls the media server relays on this machine. Each call is two endpoints made
/// by the real <see cref="WebRtcSessionFactory"/> on 127.0.0.1, connected both ways (audio and video), and two
/// simulated browsers over real UDP that each send video (1,200-byte RTP packets, 200/s), audio (160 bytes, 50/s) and
/// RTCP sender reports (4/s), and receive the other's. Calls are added in steps; after each step the load runs for a
/// while and is measured: the added forwarding latency (kernel receive time at the receiving browser minus the send
/// time the sending browser wrote into the RTP timestamp), packets lost (gaps in the relayed sequence numbers), threads
/// and memory. The run stops at the first step whose p99 latency exceeds 1 ms or that loses a packet; the largest N
/// before it is the capacity. The browsers share the machine with the server (one sender and one receiver thread), so
/// on a small machine they take part of the CPU that a real deployment would give the relay. Linux only.
/// </summary>
internal static class CapacityRun
{
    private const string Usage = "capacity [--start 50] [--step 50] [--max 2000] [--seconds 5] [--profile gcm|cm] [--workers n] [--batch n] [--through yes]";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public static int Run(string[] args)
    {
        int start = 50, step = 50, max = 2000;
        double seconds = 5;
        var through = false;
        var profile = SrtpProfile.AeadAes128Gcm;
        var options = new MediaServerOptions { TcpPort = -1 };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--start": start = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--step": step = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--max": max = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--profile": profile = value == "cm" ? SrtpProfile.AesCm128HmacSha1_80 : SrtpProfile.AeadAes128Gcm; break;
                case "--workers": options.Workers = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--batch": options.UdpBatch = int.Parse(value, CultureInfo.InvariantCulture); break;
                // Every step up to --max even past the limit: threads and RSS per N on a machine too busy to pass a step.
                case "--through": through = value == "yes"; break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("capacity needs Linux (epoll, recvmmsg, SO_TIMESTAMPNS).");
            return 2;
        }

        using var factory = new WebRtcSessionFactory(Options.Create(options), NullLoggerFactory.Instance, TimeProvider.System);
        var port = new IPEndPoint(IPAddress.Loopback, factory.Ports.Udp.Port);
        var sender = new LoadSender();
        var receiver = new LoadReceiver();
        var browsers = new List<LoadBrowser>();
        sender.Start();
        receiver.Start();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"capacity: {profile}, {factory.Ports.Udp.Threads.Count} media workers, UDP batch {options.UdpBatch}, {Environment.ProcessorCount} processors; SRTP's AES: {AcceleratedAes.Reason}"));
        Console.WriteLine("  calls   relayed/s   p50 us   p99 us   max us  lost  wrong  threads  RSS MB  RSS/call KB  workers CPU  process CPU  sender late ms");
        var baseRss = Rss();
        var best = 0;
        var failed = false;
        try
        {
            for (var calls = start; calls <= max; calls += step)
            {
                while (browsers.Count < 2 * calls)
                {
                    var (a, b) = Call(factory, port, profile);
                    browsers.Add(a);
                    browsers.Add(b);
                    receiver.Add(a);
                    receiver.Add(b);
                    sender.Add(a);
                    sender.Add(b);
                }

                var result = Measure(calls, browsers, receiver, sender, seconds, baseRss);
                Console.WriteLine(result);
                if (result.Passed && !failed)
                {
                    best = calls;
                    continue;
                }

                failed = true;
                if (!through)
                {
                    break;
                }
            }
        }
        finally
        {
            sender.Stop();
            receiver.Stop();
            foreach (var browser in browsers)
            {
                browser.Dispose();
            }
        }

        Console.WriteLine(best > 0
            ? $"capacity: {best} concurrent calls with p99 added latency <= 1 ms and no packet lost"
            : "capacity: even the first step failed");
        return best > 0 ? 0 : 1;
    }

    private static (LoadBrowser A, LoadBrowser B) Call(WebRtcSessionFactory factory, IPEndPoint port, SrtpProfile profile)
    {
        var a = (WebRtcSession)factory.Create(new WebRtcEndpointSettings($"a-{Guid.NewGuid():N}"), SilentObserver.Instance);
        var b = (WebRtcSession)factory.Create(new WebRtcEndpointSettings($"b-{Guid.NewGuid():N}"), SilentObserver.Instance);
        a.ProcessOffer(RecordedChromiumOffer.Sdp);
        b.ProcessOffer(RecordedChromiumOffer.Sdp);
        var browserA = new LoadBrowser(a, port, profile);
        var browserB = new LoadBrowser(b, port, profile);
        foreach (var kind in (KurentoMediaType[])[KurentoMediaType.Audio, KurentoMediaType.Video])
        {
            a.AddSink(b, kind);
            b.AddSink(a, kind);
        }

        return (browserA, browserB);
    }

    private static StepResult Measure(int calls, List<LoadBrowser> browsers, LoadReceiver receiver, LoadSender sender, double seconds, long baseRss)
    {
        Thread.Sleep(Settle);
        var lostBefore = browsers.Sum(b => b.Lost);
        var wrongBefore = browsers.Sum(b => b.Wrong);
        var receivedBefore = browsers.Sum(b => b.Received);
        var workersBefore = ThreadCpu.Threads("Media worker");
        var processBefore = ThreadCpu.Process();
        sender.TakeMaxLate();
        receiver.Clear();
        var clock = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        receiver.Pause();
        var elapsed = clock.Elapsed.TotalSeconds;
        var latencies = receiver.Latencies;
        var rss = Rss();
        return new StepResult(
            calls,
            (browsers.Sum(b => b.Received) - receivedBefore) / elapsed,
            latencies.Percentile(0.5),
            latencies.Percentile(0.99),
            latencies.Max,
            browsers.Sum(b => b.Lost) - lostBefore,
            browsers.Sum(b => b.Wrong) - wrongBefore,
            Process.GetCurrentProcess().Threads.Count,
            rss,
            (rss - baseRss) / calls,
            (ThreadCpu.Threads("Media worker") - workersBefore).TotalSeconds / elapsed,
            (ThreadCpu.Process() - processBefore).TotalSeconds / elapsed,
            sender.TakeMaxLate().TotalMilliseconds);
    }

    /// <summary>Resident set size of this process, from /proc/self/status.</summary>
    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private sealed record StepResult(int Calls, double RelayedPerSecond, long P50, long P99, long Max, long Lost, long Wrong, int Threads,
        long Rss, long RssPerCall, double WorkersCpu, double ProcessCpu, double SenderLateMs)
    {
        public bool Passed => P99 <= 1000 && Lost == 0 && Wrong == 0;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"  {Calls,5} {RelayedPerSecond,11:N0} {P50,8} {P99,8} {Max,8} {Lost,5} {Wrong,6} {Threads,8} {Rss / 1048576.0,7:F0} {RssPerCall / 1024.0,12:F0} {WorkersCpu,11:P0} {ProcessCpu,12:P0} {SenderLateMs,15:F1}{(Passed ? "" : "  <- over the limit")}");
    }
}
