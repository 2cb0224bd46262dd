using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using One2One.MediaServer;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Stun;
using One2One.MediaServer.Rtc.Transport;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Transport.Support;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.Transport;

/// <summary>
/// Stopping the media port always ends: a worker's batched I/O holds the socket only for the length of each call, so
/// closing it wakes a receive in flight instead of waiting for ever (.NET's close spins until every reference is let
/// go), and a worker held up in the packet path is left behind after a bounded wait, not waited for.
/// </summary>
public sealed class MediaWorkerStopTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Closing_the_socket_of_a_batched_receive_in_flight_wakes_it_and_later_receives_and_sends_fail_cleanly()
    {
        if (!LinuxDatagrams.IsSupported)
        {
            return; // recvmmsg is Linux's; elsewhere the port uses Socket's own calls.
        }

        using var ports = new MediaPorts(new MediaServerOptions { BindAddress = "127.0.0.1", Workers = 1 }, NullLoggerFactory.Instance);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var io = new MmsgDatagramIo(socket, 4, ports.Udp);
        using var entered = new ManualResetEventSlim();
        var receive = Task.Factory.StartNew(
            () =>
            {
                entered.Set();
                return io.Receive();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        entered.Wait(Bound).Should().BeTrue();
        await Task.Delay(200); // into recvmmsg, where nothing arrives

        // With a reference held for the I/O's lifetime this close never returns.
        await Task.Run(socket.Close).WaitAsync(Bound);

        // Woken: it returns what it had (an empty datagram for the shutdown), or, had the close come before it entered
        // recvmmsg, it finds the socket closed.
        var woken = async () => await receive.WaitAsync(Bound);
        await woken.Should().NotThrowAsync<TimeoutException>();
        io.Invoking(i => i.Receive()).Should().Throw<ObjectDisposedException>("the descriptor is gone; its number may be another socket's by now");

        var counters = new TransportCounters();
        var to = new IPEndPoint(IPAddress.Loopback, 9).Serialize();
        io.Batch.TryAdd(new byte[100], to, counters).Should().BeTrue();
        io.Batch.Flush();
        counters.SendFailed.Should().Be(1, "a batch flushed after the close is lost and counted, not written to a stale descriptor");
    }

    [Fact]
    public async Task A_worker_held_up_in_the_packet_path_does_not_keep_the_media_port_from_stopping()
    {
        using var release = new ManualResetEventSlim();
        var events = new HeldIceChecks(release);
        using var logs = new RecordingLoggerProvider(LogLevel.Warning);
        using var loggers = logs.CreateFactory();
        var ports = new MediaPorts(new MediaServerOptions { BindAddress = "127.0.0.1", Workers = 1 }, loggers);
        var ice = new IceLiteAgent(new IceCredentials(TransportHarness.Ufrag, TransportHarness.Password), TimeProvider.System);
        var transport = new WebRtcTransport(ports, ice, events, NullLoggerFactory.Instance, TimeProvider.System);
        var worker = ports.Udp.Threads.Single();
        try
        {
            using var browser = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            browser.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var check = new byte[StunWriter.MaxLength];
            var length = SimulatedBrowser.WriteCheck(check, $"{TransportHarness.Ufrag}:peer", TransportHarness.Password, useCandidate: true, out _);
            browser.SendTo(check.AsSpan(0, length), new IPEndPoint(IPAddress.Loopback, transport.LocalPort));
            events.Entered.Wait(Bound).Should().BeTrue("the worker reports the check it answered, and is held there");

            await Task.Run(ports.Dispose).WaitAsync(Bound);

            worker.IsAlive.Should().BeTrue("the worker is still held");
            logs.Entries.Should().ContainSingle(e => e.EventName == "WorkerAbandoned" && e.Level == LogLevel.Error);
            release.Set();
            await Eventually.TrueAsync(() => !worker.IsAlive, "a worker let go after the stop ends on its own (its socket is closed)");
        }
        finally
        {
            release.Set();
            ports.Dispose();
            await transport.DisposeAsync();
        }
    }

    [Fact]
    public void A_worker_that_is_free_stops_at_once_and_nothing_is_logged()
    {
        using var logs = new RecordingLoggerProvider(LogLevel.Warning);
        using var loggers = logs.CreateFactory();
        var ports = new MediaPorts(new MediaServerOptions { BindAddress = "127.0.0.1", Workers = 2 }, loggers);
        var threads = ports.Udp.Threads;

        ports.Dispose();

        threads.Should().AllSatisfy(t => t.IsAlive.Should().BeFalse());
        logs.Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task A_worker_whose_receive_fails_goes_on_receiving_and_says_so_once()
    {
        using var logs = new RecordingLoggerProvider(LogLevel.Warning);
        using var loggers = logs.CreateFactory();
        using var ports = new MediaPorts(new MediaServerOptions { BindAddress = "127.0.0.1", Workers = 1 }, loggers);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var io = new FailingThenIdleIo(failures: 10);
        var worker = new MediaWorker(ports.Udp, socket, io, index: 9);
        worker.Start();

        await Eventually.TrueAsync(() => io.Receives > 10, "the worker receives again after each failure (the kernel short of memory, say)");
        worker.Thread.IsAlive.Should().BeTrue("a failed receive does not end the worker: its share of the port's flows would go unread");
        // Ten failures 50 ms apart: logged once, or a few times should the machine stall; not once per failure.
        logs.Entries.Count(e => e.EventName == "ReceiveFailed").Should().BeInRange(1, 9, "failures are logged at most once a second");

        var stop = Task.Run(worker.Stop);
        io.Wake();
        (await stop.WaitAsync(Bound)).Should().BeTrue("it still stops");
    }

    /// <summary>A worker's I/O whose first receives fail as the kernel's would, then waits (for <see cref="Wake"/>) with nothing.</summary>
    private sealed class FailingThenIdleIo(int failures) : IDatagramIo
    {
        private readonly ManualResetEventSlim _woken = new();
        private int _receives;

        public int Receives => Volatile.Read(ref _receives);

        public UdpSendBatch? Batch => null;

        public void Wake() => _woken.Set();

        public int Receive()
        {
            if (Interlocked.Increment(ref _receives) <= failures)
            {
                throw new SocketException((int)SocketError.NoBufferSpaceAvailable);
            }

            _woken.Wait(Bound);
            return 0;
        }

        public Span<byte> Buffer(int index, out int length, out bool truncated) => throw new InvalidOperationException("no datagram was received");

        public SocketAddress Sender(int index) => throw new InvalidOperationException("no datagram was received");

        public void Flush()
        {
        }

        public void Dispose() => _woken.Dispose();
    }

    /// <summary>Holds the worker that reports an ICE check until released.</summary>
    private sealed class HeldIceChecks(ManualResetEventSlim release) : ITransportEvents
    {
        public ManualResetEventSlim Entered { get; } = new();

        public void OnIceCheck(IceLiteAgent agent, IceCheckResult result)
        {
            Entered.Set();
            release.Wait();
        }

        public void OnRtp(Span<byte> buffer, int length, One2One.MediaServer.Rtc.Transport.PacketContext context)
        {
        }

        public void OnRtcp(Span<byte> buffer, int length, One2One.MediaServer.Rtc.Transport.PacketContext context)
        {
        }

        public void OnDtlsStateChanged(One2One.MediaServer.Elements.DtlsConnectionState state, string? reason)
        {
        }

        public void OnSecured()
        {
        }
    }
}
