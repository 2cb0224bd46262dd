using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Transport;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Transport.Support;
using One2One.Tests.Support;

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
        await using var transport = new WebRtcTransport(new UdpPortAllocator(IPAddress.Loopback, 0, 0), ice, events, loggers, time);
        var neverStarted = DtlsHandshakeStatistics.Shared.NeverStarted;

        transport.StartDtls([DtlsCertificate.Create().Fingerprint]);
        time.Advance(TimeSpan.FromSeconds(30));

        await Eventually.TrueAsync(() => events.DtlsStates.Contains(DtlsConnectionState.Failed), "the endpoint learns that DTLS failed");
        DtlsHandshakeStatistics.Shared.NeverStarted.Should().BeGreaterThan(neverStarted);
        logs.AtLeast(LogLevel.Information).Should().BeEmpty("a browser that never sent a ClientHello is routine (issue 10's log rule)");
        logs.Entries.Should().Contain(e => e.EventName == "DtlsHandshakeNeverStarted" && e.Level == LogLevel.Debug && e.Exception == null);
    }
}
