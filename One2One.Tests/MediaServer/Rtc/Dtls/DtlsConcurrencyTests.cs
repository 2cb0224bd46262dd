using One2One.MediaServer.Rtc.Dtls;
using Org.BouncyCastle.Tls;
using Xunit.Abstractions;
using static One2One.Tests.MediaServer.Rtc.Dtls.DtlsTesting;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>Tests that count the process's threads: they run alone, after every parallel test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadCountMeasurementCollection
{
    public const string Name = "Thread count measurement";
}

[Collection(ThreadCountMeasurementCollection.Name)]
public class DtlsConcurrencyTests(ITestOutputHelper output)
{
    /// <summary>
    /// Room for the thread pool to add workers of its own while 200 client threads keep the cores busy (it grows to
    /// about 10-14 whether 40 or 200 handshakes run, measured on 2 cores); a thread per handshake would be 200 more.
    /// </summary>
    private const int Margin = 24;

    /// <summary>The clients' thread name, at most 15 characters as Linux keeps it.</summary>
    private const string ClientThreadName = "BC DTLS client";

    [Fact]
    public async Task Two_hundred_concurrent_handshakes_complete_while_the_servers_thread_count_stays_flat()
    {
        const int Calls = 200;
        await WarmUpAsync();
        var before = ServerThreads();

        var tests = Enumerable.Range(0, Calls).Select(_ => Connected()).ToArray();
        try
        {
            var handshakes = tests.Select(t => t.Session.Start(ClientCertificate.Fingerprint)).ToArray();
            ServerThreads().Should().BeLessThanOrEqualTo(before + Margin, "200 handshakes waiting for their ClientHello hold no thread");

            // The BouncyCastle clients block, so each has a thread of its own (small stack); they are not the server's
            // and are not counted (by name). Our first flights are held back until every session has answered its
            // ClientHello, so that all 200 handshakes are in progress at once when the threads are counted.
            var held = new HeldFlights();
            foreach (var test in tests)
            {
                test.Pipe.ServerToClient = (datagram, deliver) => held.Pass(datagram, deliver);
            }

            var clients = tests.Select(_ => Client()).ToArray();
            var clientThreads = tests.Select((t, i) => new Thread(() => Connect(t.Pipe, clients[i]), 256 * 1024) { IsBackground = true, Name = ClientThreadName }).ToArray();
            foreach (var thread in clientThreads)
            {
                thread.Start();
            }

            await One2One.Tests.Support.Eventually.TrueAsync(() => tests.All(t => t.Pipe.ServerDatagrams > 0), "every session answers its ClientHello");
            var serverThreads = new List<int> { ServerThreads() };
            tests.Should().AllSatisfy(t => t.Session.State.Should().Be(DtlsSessionState.Connecting));
            held.Release();

            var all = Task.WhenAll(handshakes);
            while (!all.IsCompleted)
            {
                serverThreads.Add(ServerThreads());
                await Task.WhenAny(all, Task.Delay(20));
            }

            var keys = await all.WaitAsync(Bound);
            clientThreads.Should().AllSatisfy(t => t.Join(Bound).Should().BeTrue());
            for (var i = 0; i < Calls; i++)
            {
                ShouldMatch(keys[i], clients[i].KeyingMaterial!);
            }

            output.WriteLine($"threads before: {before}; server threads with {Calls} handshakes in progress: {serverThreads[0]}, then {string.Join(' ', serverThreads.Skip(1))}; pool threads {ThreadPool.ThreadCount}");
            keys.Select(k => Convert.ToHexString(k.ClientWriteKey.Span)).Should().OnlyHaveUniqueItems();
            serverThreads.Should().NotBeEmpty();
            serverThreads.Max().Should().BeLessThanOrEqualTo(before + Margin,
                $"the server's threads stay flat while {Calls} handshakes run (before: {before}, samples: {string.Join(' ', serverThreads)})");
        }
        finally
        {
            foreach (var test in tests)
            {
                test.Dispose();
            }
        }
    }

    private static void Connect(DtlsTestPipe pipe, TestDtlsSrtpClient client) => new DtlsClientProtocol().Connect(client, pipe);

    /// <summary>One handshake first, so that what runs once per process (JIT, the shared certificate) is not counted.</summary>
    private static async Task WarmUpAsync()
    {
        using var test = Connected();
        var handshake = test.Session.Start(ClientCertificate.Fingerprint);
        await test.Pipe.ConnectClient(Client()).WaitAsync(Bound);
        await handshake.WaitAsync(Bound);
    }

    /// <summary>Holds the server's datagrams to the clients until released, then lets everything through.</summary>
    private sealed class HeldFlights
    {
        private readonly Lock _gate = new();
        private readonly List<(byte[] Datagram, Action<byte[]> Deliver)> _held = [];
        private bool _released;

        public void Pass(byte[] datagram, Action<byte[]> deliver)
        {
            lock (_gate)
            {
                if (!_released)
                {
                    _held.Add((datagram, deliver));
                    return;
                }
            }

            deliver(datagram);
        }

        public void Release()
        {
            lock (_gate)
            {
                _released = true;
            }

            foreach (var (datagram, deliver) in _held)
            {
                deliver(datagram);
            }
        }
    }

    /// <summary>The process's threads (Linux: /proc/self/task) other than the test's clients; one that ends while counted is not counted.</summary>
    private static int ServerThreads() => Directory.EnumerateDirectories("/proc/self/task").Count(task => ThreadName(task) is { } name && name != ClientThreadName);

    private static string? ThreadName(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
