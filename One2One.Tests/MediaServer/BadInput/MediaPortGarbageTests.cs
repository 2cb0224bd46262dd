using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using One2One.MediaServer.Elements;
using One2One.Tests.MediaServer.BadInput.Support;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Rtp;
using One2One.Tests.Support;
using Xunit.Abstractions;

namespace One2One.Tests.MediaServer.BadInput;

/// <summary>
/// The bad-input guarantee on the shared media port: random, truncated, bit-flipped, replayed and oversized
/// STUN, DTLS, RTP and RTCP datagrams are dropped and counted (by the transport they name or come from, else by the
/// port), nothing escapes or is logged as an error, the call under attack keeps relaying the right bytes and a call
/// on other endpoints of the same port does not notice.
/// </summary>
public sealed class MediaPortGarbageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Batches = 40;
    private const int FromStrangerPerBatch = 100;
    private const int FromBrowserPerBatch = 12;

    // Thousands of datagrams while the rig's clock stands still: counted by what is wrong with each, not refused as over
    // an endpoint's budget (MediaServer:MaxInboundPacketsPerSecond, off here; its own tests are in PeerRebindingTests).
    private readonly RelayRig _rig = RelayRig.Create(options => options.MaxInboundPacketsPerSecond = 0);
    private readonly Socket _attacker = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly int _seed = Environment.TickCount;
    private Garbage _garbage = new(0);
    private ushort _sequence = 1000;

    public Task InitializeAsync()
    {
        _attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _garbage = new Garbage(_seed);
        output.WriteLine($"Garbage seed {_seed} (new Garbage(seed) replays this run's datagrams)");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _attacker.Dispose();
        await _rig.DisposeAsync();
    }

    [Fact]
    public async Task Thousands_of_bad_datagrams_are_dropped_and_counted_while_both_calls_keep_relaying()
    {
        var (a, b) = await _rig.CallAsync();
        var (c, d) = await _rig.CallAsync();
        var realSrtp = new List<byte[]>();
        var realSrtcp = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            realSrtp.Add(await RelayAsync(a, b, i % 2 == 0 ? KurentoMediaType.Audio : KurentoMediaType.Video));
        }

        for (var i = 0; i < 4; i++)
        {
            var compound = a.Browser.ProtectRtcp(RtcpTestPackets.SenderReport(a.Browser.Offer.AudioSsrc, a.OutgoingSsrc(KurentoMediaType.Video)));
            a.Browser.Send(compound);
            realSrtcp.Add(compound);
            await b.Browser.NextRtcpWithAsync(p => p.PacketType == RtcpView.SenderReport, "A's sender report");
        }

        byte[][] real = [.. a.Browser.SentChecks, .. b.Browser.SentChecks, .. a.Browser.SentDtls, .. realSrtp, .. realSrtcp];
        var atA = new ExpectedDrops();
        var atB = new ExpectedDrops();
        var atPort = new ExpectedDrops();
        var ufragA = a.Session.Transport.Ice.Local.Ufrag;
        var ufragB = b.Session.Transport.Ice.Local.Ufrag;
        var port = new IPEndPoint(IPAddress.Loopback, a.Session.Transport.LocalPort);
        b.Session.Transport.LocalPort.Should().Be(port.Port, "every endpoint shares the one port");
        var portCounters = _rig.Factory.Ports.Udp.Counters;

        for (var batch = 0; batch < Batches; batch++)
        {
            for (var i = 0; i < FromStrangerPerBatch; i++)
            {
                var datagram = FromStranger(i, real);
                _attacker.SendTo(datagram, port);
                var (ufrag, reason) = Garbage.FromStranger(datagram, [ufragA, ufragB]);
                (ufrag == ufragA ? atA : ufrag == ufragB ? atB : atPort).Add(reason);
            }

            for (var i = 0; i < FromBrowserPerBatch; i++)
            {
                // From the browser's own address: past ICE, so these reach SRTP, which must refuse them.
                var datagram = FromBrowser(i, realSrtp, realSrtcp);
                a.Browser.Send(datagram);
                atA.Add(Garbage.FromBrowser(datagram));
            }

            await RelayAsync(a, b, KurentoMediaType.Video);
            await RelayAsync(b, a, KurentoMediaType.Audio);
            await RelayAsync(c, d, KurentoMediaType.Video);
            await Eventually.TrueAsync(
                () => atA.Matches(a.Session.Transport.Counters) && atB.Matches(b.Session.Transport.Counters) && atPort.Matches(portCounters),
                $"every bad datagram of batch {batch} is counted where it belongs: A {atA.Describe(a.Session.Transport.Counters)}; " +
                $"B {atB.Describe(b.Session.Transport.Counters)}; port {atPort.Describe(portCounters)}");
        }

        // DTLS replayed, cut and flipped from the browser's address goes to the finished DTLS session, which discards it.
        var dtlsFromBrowser = 0;
        foreach (var flight in a.Browser.SentDtls.ToArray())
        {
            foreach (var datagram in new[] { flight, _garbage.Truncated(flight), _garbage.BitFlipped(flight) })
            {
                // A cut or flipped first byte may make it something else than DTLS; that is counted as such.
                a.Browser.Send(datagram);
                atA.Add(Garbage.FromBrowser(datagram));
                dtlsFromBrowser++;
            }
        }

        for (var i = 0; i < 10; i++)
        {
            await RelayAsync(a, b, KurentoMediaType.Audio);
            await RelayAsync(b, a, KurentoMediaType.Video);
        }

        await RelayAsync(c, d, KurentoMediaType.Audio);
        await RelayAsync(d, c, KurentoMediaType.Video);
        var sent = Batches * (FromStrangerPerBatch + FromBrowserPerBatch) + dtlsFromBrowser;
        sent.Should().BeGreaterThan(4000);
        atA.Matches(a.Session.Transport.Counters).Should().BeTrue(atA.Describe(a.Session.Transport.Counters));
        atPort[DropReason.NotValidated].Should().BeGreaterThan(500, "most of the strangers' datagrams reached the port and no transport");
        c.Session.Transport.Counters.TotalDropped.Should().Be(0, "the other call saw none of it");
        d.Session.Transport.Counters.TotalDropped.Should().Be(0);
        a.Session.Transport.Ice.SelectedEndPoint.Should().Be(a.Browser.LocalEndPoint, "media still goes to A's browser");
        b.Session.Transport.Ice.SelectedEndPoint.Should().Be(b.Browser.LocalEndPoint);
        foreach (var endpoint in new[] { a, b, c, d })
        {
            endpoint.Events.OfType<SessionError>().Should().BeEmpty();
            endpoint.Events.OfType<ConnectionChanged>().Should().Equal([new ConnectionChanged(true)], "no connection was lost ({0})", endpoint);
            endpoint.Events.OfType<DtlsStateChanged>().Select(e => e.State).Should().Equal(DtlsConnectionState.Connecting, DtlsConnectionState.Connected);
            endpoint.Browser.UndecryptablePackets.Should().Be(0, "the relay only ever sends its browser valid SRTP");
        }

        foreach (var entry in _rig.Logs.AtLeast(LogLevel.Warning))
        {
            output.WriteLine(entry.ToString());
        }

        _rig.Logs.AtLeast(LogLevel.Error).Should().BeEmpty("bad input is counted, not logged as an error (seed {0})", _seed);
        _rig.Logs.Entries.Should().NotContain(e => e.EventName == "ReceiveFailed", "no media worker's receive failed");
    }

    private byte[] FromStranger(int index, byte[][] real) => (index % 7) switch
    {
        0 => _garbage.RandomBytes(),
        1 => _garbage.RandomOfEachKind(index),
        2 => _garbage.Truncated(_garbage.Pick(real)),
        3 => _garbage.BitFlipped(_garbage.Pick(real)),
        4 => _garbage.Oversized(),
        _ => _garbage.Pick(real), // replayed from elsewhere
    };

    private byte[] FromBrowser(int index, List<byte[]> realSrtp, List<byte[]> realSrtcp) => (index % 6) switch
    {
        0 => _garbage.Pick(realSrtp), // replayed: already received once
        1 => _garbage.Pick(realSrtcp),
        2 => _garbage.BitFlipped(_garbage.Pick(realSrtp)),
        3 => _garbage.Truncated(_garbage.Pick(realSrtp)),
        4 => _garbage.RandomOfEachKind(2 + (3 * index)), // always RTP/RTCP-looking: past ICE it reaches SRTP
        _ => _garbage.RandomBytes(),
    };

    /// <summary>Sends one packet from <paramref name="from"/>'s browser and checks <paramref name="to"/>'s browser gets exactly it.</summary>
    private async Task<byte[]> RelayAsync(RelayEndpoint from, RelayEndpoint to, KurentoMediaType kind)
    {
        var payload = new byte[kind == KurentoMediaType.Audio ? 80 : 900];
        Random.Shared.NextBytes(payload);
        var sequence = _sequence++;
        var rtp = from.Browser.Rtp(kind, sequence, sequence * 960u, marker: kind == KurentoMediaType.Video, payload);
        var datagram = from.Browser.ProtectRtp(rtp);
        from.Browser.Send(datagram);
        var received = await to.Browser.NextRtpAsync($"for {kind} {sequence} from {from} while under attack");
        received.SequenceNumber.Should().Be(sequence);
        received.Ssrc.Should().Be(to.OutgoingSsrc(kind));
        received.AfterFixedHeader.Should().Equal(rtp[12..]);
        return datagram;
    }
}
