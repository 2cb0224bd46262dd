using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Transport;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Dtls;
using One2One.Tests.MediaServer.Transport.Support;
using One2One.Tests.Support;
using Org.BouncyCastle.Tls;

namespace One2One.Tests.MediaServer.Transport;

public class WebRtcTransportDtlsTests
{
    [Fact]
    public async Task An_endpoint_whose_browser_never_starts_DTLS_fails_quietly_and_is_counted()
    {
        var time = new FakeTimeProvider();
        var logs = new RecordingLoggerProvider(LogLevel.Debug);
        using var loggers = logs.CreateFactory();
        var events = new RecordingTransportEvents();
        var ice = new IceLiteAgent(new IceCredentials("srvT", "server-password-0123456789"), time);
        // The ports log their start at Information; only what the transport logs is under test.
        using var ports = new MediaPorts(new MediaServerOptions { BindAddress = "127.0.0.1", TcpPort = -1 }, NullLoggerFactory.Instance, time);
        await using var transport = new WebRtcTransport(ports, ice, events, loggers, time);
        var neverStarted = DtlsHandshakeStatistics.Shared.NeverStarted;

        transport.StartDtls([DtlsCertificate.Create().Fingerprint]);
        time.Advance(TimeSpan.FromSeconds(30));

        await Eventually.TrueAsync(() => events.DtlsStates.Contains(DtlsConnectionState.Failed), "the endpoint learns that DTLS failed");
        DtlsHandshakeStatistics.Shared.NeverStarted.Should().BeGreaterThan(neverStarted);
        logs.AtLeast(LogLevel.Information).Should().BeEmpty("a browser that never sent a ClientHello is routine (issue 10's log rule)");
        logs.Entries.Should().Contain(e => e.EventName == "DtlsHandshakeNeverStarted" && e.Level == LogLevel.Debug && e.Exception == null);
    }

    [Fact]
    public async Task Releasing_an_endpoint_whose_browser_floods_it_stops_routing_to_DTLS_first_and_the_close_notify_still_goes_out_on_its_path()
    {
        await using var harness = new TransportHarness();
        var transport = harness.Transport;
        var remote = new IPEndPoint(IPAddress.Loopback, 40_000).Serialize();
        AddressKey.TryCreate(remote, out var key).Should().BeTrue();
        using var pipe = new DtlsTestPipe();
        var link = new BrowserLink(pipe, harness.Ports.Directory, key);
        var check = new byte[WebRtcTransport.BufferSize + WebRtcTransport.TailRoom];
        var length = SimulatedBrowser.WriteCheck(check, $"{TransportHarness.Ufrag}:peer", TransportHarness.Password, useCandidate: true, out _);
        transport.OnDatagram(check, length, link, remote, key, new PacketContext()).Should().BeTrue("the browser's path passes ICE");

        // The browser's DTLS comes in on that path, as a worker hands it over; ours goes out on the link.
        using var received = new ThreadLocal<(byte[] Buffer, PacketContext Context)>(() => (new byte[WebRtcTransport.BufferSize + WebRtcTransport.TailRoom], new PacketContext()));
        void FromBrowser(ReadOnlySpan<byte> datagram)
        {
            var (buffer, context) = received.Value;
            datagram.CopyTo(buffer);
            transport.OnDatagram(buffer, datagram.Length, link, remote, key, context);
        }

        pipe.ClientToServer = (datagram, _) => FromBrowser(datagram);
        transport.StartDtls([DtlsTesting.ClientCertificate.Fingerprint]);
        var client = DtlsTesting.Client();
        var clientTransport = await pipe.ConnectClient(client).WaitAsync(DtlsTesting.Bound);
        await Eventually.TrueAsync(() => transport.IsSecured, "the handshake installs the SRTP keys");
        var dtls = transport.Dtls!;

        using var stop = new CancellationTokenSource();
        var flood = Task.Factory.StartNew(() =>
        {
            var random = new Random(7983);
            var forged = new byte[ForgedRecords.PerDatagram * ForgedRecords.RecordSize];
            while (!stop.IsCancellationRequested)
            {
                ForgedRecords.Fill(forged, random);
                FromBrowser(forged);
                Thread.Yield();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Eventually.TrueAsync(() => dtls.DiscardedRecords > 10 * ForgedRecords.PerDatagram, "the flood reaches the DTLS session");

        var release = transport.DisposeAsync().AsTask();
        (await Task.WhenAny(release, Task.Delay(TimeSpan.FromSeconds(5)))).Should().BeSameAs(release, "the release completes while the flood goes on");
        flood.IsCompleted.Should().BeFalse();
        await stop.CancelAsync();
        await flood.WaitAsync(DtlsTesting.Bound);

        link.CloseNotifySent.Should().BeTrue("the close_notify went out on the browser's path");
        link.RoutedWhenCloseNotifySent.Should().BeFalse("by then the ports no longer hand the browser's datagrams to this transport");
        clientTransport.Receive(new byte[2048], 0, 2048, 1000).Should().Be(-1);
        client.ReceivedAlerts.Should().Contain(AlertDescription.close_notify);
    }

    /// <summary>
    /// The shared UDP port as far as the browser's one address goes: what the transport sends there reaches its DTLS
    /// client. When our close_notify (an epoch 1 alert) goes out, it notes whether the ports' directory still routes
    /// the browser's datagrams (its ufrag, its address) to the transport.
    /// </summary>
    private sealed class BrowserLink(DtlsTestPipe pipe, TransportDirectory directory, AddressKey browser) : IMediaLink
    {
        private const byte Alert = 21;

        public IceProtocol Protocol => IceProtocol.Udp;

        public bool CloseNotifySent { get; private set; }

        public bool RoutedWhenCloseNotifySent { get; private set; }

        public bool TrySend(ReadOnlySpan<byte> datagram, SocketAddress to, PacketContext? context, TransportCounters counters)
        {
            if (datagram.Length > 13 && datagram[0] == Alert && datagram[4] == 1)
            {
                RoutedWhenCloseNotifySent = directory.Count > 0 || directory.TryFindByAddress(browser, out _);
                CloseNotifySent = true;
            }

            pipe.DeliverToClient(datagram.ToArray());
            return true;
        }
    }
}
