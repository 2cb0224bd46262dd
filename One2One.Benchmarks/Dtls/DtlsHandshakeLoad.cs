using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using One2One.Benchmarks.Relay;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Srtp;
using One2One.Tests.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;

namespace One2One.Benchmarks.Dtls;

/// <summary>
/// <c>dtls-handshake</c>: complete DTLS-SRTP handshakes per second of the server's CPU, for our event-driven server
/// and for the BouncyCastle server it replaced, against the same BouncyCastle client (the tests' browser stand-in)
/// over an in-memory link. A few client threads each run their share of handshakes one after another. Two figures for
/// the server's CPU: the threads that run its handshakes (ours: the thread-pool workers; BouncyCastle's: each
/// handshake's thread, measured as it ends), and all-in, the process's CPU time less the client threads' own (which
/// adds the runtime's background work: GC, tiered JIT, both sides' allocations). The peak thread count shows the
/// thread per handshake (or its absence). Linux only (it reads /proc).
/// </summary>
internal static class DtlsHandshakeLoad
{
    private const string Usage = "dtls-handshake [--server ours|bouncycastle|both] [--handshakes 400] [--clients 4]";
    private const int WarmUpHandshakes = 200;

    public static int Run(string[] args)
    {
        string[] servers = ["bouncycastle", "ours"];
        var handshakes = 400;
        var clients = 4;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--server" when args[i + 1] is "ours" or "bouncycastle":
                    servers = [args[i + 1]];
                    break;
                case "--server" when args[i + 1] == "both":
                    break;
                case "--handshakes":
                    handshakes = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--clients":
                    clients = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        var server = DtlsCertificate.Create();
        var client = DtlsCertificate.Create();
        foreach (var kind in servers)
        {
            Func<DtlsCertificate, DtlsCertificate, bool> handshake = kind == "ours" ? HandshakeWithOurs : HandshakeWithBouncyCastle;
            Measure(kind, handshake, server, client, WarmUpHandshakes, clients, print: false); // JIT and tiering done before measuring
            Measure(kind, handshake, server, client, handshakes, clients, print: true);
        }

        return 0;
    }

    private static void Measure(
        string kind, Func<DtlsCertificate, DtlsCertificate, bool> handshake, DtlsCertificate server, DtlsCertificate client, int count, int clients, bool print)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var clientCpu = new TimeSpan[clients];
        var failures = 0;
        var peakThreads = 0;
        using var stop = new CancellationTokenSource();
        var monitor = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakThreads = Math.Max(peakThreads, Directory.GetDirectories("/proc/self/task").Length);
                Thread.Sleep(50);
            }
        }) { IsBackground = true, Name = "thread monitor" };
        monitor.Start();

        var processBefore = ThreadCpu.Process();
        var serverThreadsBefore = ServerThreadsCpu(kind);
        var wall = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, clients).Select(c => new Thread(() =>
        {
            var cpuBefore = ThreadCpu.CurrentThread();
            for (var i = c; i < count; i += clients)
            {
                if (!handshake(server, client))
                {
                    Interlocked.Increment(ref failures);
                }
            }

            clientCpu[c] = ThreadCpu.CurrentThread() - cpuBefore;
        }) { Name = "DTLS client" }).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        wall.Stop();
        var processCpu = ThreadCpu.Process() - processBefore;
        var serverThreadsCpu = ServerThreadsCpu(kind) - serverThreadsBefore;
        stop.Cancel();
        monitor.Join();
        if (!print)
        {
            return;
        }

        var clientTotal = clientCpu.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        var serverCpu = processCpu - clientTotal;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dtls-handshake {kind}: {count} handshakes ({failures} failed) by {clients} client threads in {wall.Elapsed.TotalSeconds:0.00} s; " +
            $"server threads' CPU {serverThreadsCpu.TotalSeconds:0.00} s = {count / serverThreadsCpu.TotalSeconds:N0} handshakes per CPU-second " +
            $"({serverThreadsCpu.TotalMilliseconds / count:0.00} ms each); all-in {serverCpu.TotalSeconds:0.00} s = {count / serverCpu.TotalSeconds:N0} per CPU-second; " +
            $"clients' CPU {clientTotal.TotalSeconds:0.00} s; peak threads {peakThreads}"));
    }

    private static TimeSpan ServerThreadsCpu(string kind) =>
        kind == "ours" ? ThreadCpu.Threads(".NET TP Worker") : BouncyCastleDtlsServer.HandshakeThreadsCpu;

    private static bool HandshakeWithOurs(DtlsCertificate server, DtlsCertificate client)
    {
        using var pipe = new DtlsTestPipe();
        using var session = new DtlsServerSession(server, pipe);
        pipe.Session = session;
        var serverKeys = session.Start(client.Fingerprint);
        var browser = new TestDtlsSrtpClient(client, server.Fingerprint);
        new DtlsClientProtocol().Connect(browser, pipe).Close();
        return SameKeys(serverKeys.GetAwaiter().GetResult(), browser.KeyingMaterial!);
    }

    private static bool HandshakeWithBouncyCastle(DtlsCertificate server, DtlsCertificate client)
    {
        using var toServer = new BlockingCollection<byte[]>();
        using var toClient = new BlockingCollection<byte[]>();
        var serverKeys = BouncyCastleDtlsServer.AcceptOnOwnThread(
            server.DerEncoded.ToArray(), PrivateKeyFactory.CreateKey(server.ExportPkcs8PrivateKey()), client.Fingerprint,
            new QueueDatagramTransport(toServer, toClient));
        var browser = new TestDtlsSrtpClient(client, server.Fingerprint);
        new DtlsClientProtocol().Connect(browser, new QueueDatagramTransport(toClient, toServer)).Close();
        return SameKeys(serverKeys.GetAwaiter().GetResult(), browser.KeyingMaterial!);
    }

    private static bool SameKeys(SrtpKeyingMaterial server, SrtpKeyingMaterial client) =>
        server.ClientWriteKey.Span.SequenceEqual(client.ClientWriteKey.Span) && server.ServerWriteSalt.Span.SequenceEqual(client.ServerWriteSalt.Span);
}
