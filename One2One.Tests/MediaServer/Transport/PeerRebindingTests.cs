using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Ice;
using One2One.MediaServer.Rtc.Srtp;
using One2One.MediaServer.Rtc.Stun;
using One2One.MediaServer.Rtc.Transport;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Srtp;
using One2One.Tests.MediaServer.Transport.Support;

namespace One2One.Tests.MediaServer.Transport;

/// <summary>
/// A browser whose address keeps changing in one call (a phone's NAT binding or network), over real UDP sockets: each new
/// address checks and nominates, without an ICE restart, more times than the agent keeps paths. Media follows every
/// new address both ways, and an address the agent let go is let go on the shared port too.
/// </summary>
public sealed class PeerRebindingTests : IAsyncLifetime
{
    private const int RtpLength = 172;
    private const uint BrowserSsrc = 0x5EB1;

    private readonly TransportHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Media_follows_a_browser_through_twenty_new_addresses_both_ways()
    {
        _harness.Secure();
        using var browserKeys = _harness.BrowserOutbound();
        using var inbound = _harness.BrowserInbound();
        var packet = new byte[2048];
        var received = new byte[2048];

        for (var i = 0; i < 20; i++)
        {
            var socket = _harness.ValidatedPeer(); // disposed with the harness
            _harness.Ice.SelectedEndPoint.Should().Be(socket.LocalEndPoint, $"address #{i + 1} nominated itself");

            var plain = SrtpTestPackets.PlainRtp(0x4444, (ushort)i)[..RtpLength];
            plain.CopyTo(packet, 0);
            _harness.Transport.TrySendRtp(packet, plain.Length).Should().BeTrue();
            var length = socket.Receive(received);
            inbound.TryUnprotectRtp(received.AsSpan(0, length), out var plainLength).Should().BeTrue();
            received.AsSpan(0, plainLength).ToArray().Should().Equal(plain, $"media goes to address #{i + 1}");

            socket.Send(SrtpTestPackets.ProtectRtp(browserKeys, SrtpTestPackets.PlainRtp(BrowserSsrc, (ushort)i), RtpLength));
            await TransportHarness.CountedAsync(() => _harness.Events.Rtp.Count == i + 1, $"media from address #{i + 1} is taken");
        }

        _harness.Ice.ValidatedPaths.Length.Should().Be(IceLiteAgent.MaxPeerAddresses);
        _harness.Counters.TotalDropped.Should().Be(0);
    }

    [Fact]
    public async Task Media_follows_a_browser_whose_checks_come_from_a_new_address_without_a_nomination_once_the_old_one_fell_silent()
    {
        // Firefox nominates once; after its NAT binding changed, its plain consent checks come from a new address.
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = new TransportHarness(clock);
        harness.Secure();
        using var inbound = harness.BrowserInbound();
        var old = harness.ValidatedPeer();
        var moved = harness.Stranger();
        TransportHarness.Check(moved, useCandidate: false);
        harness.Ice.SelectedEndPoint.Should().Be(old.LocalEndPoint, "the old address was checked just now");

        clock.Advance(IceLiteAgent.SilentSelectedPathTimeout + TimeSpan.FromSeconds(1));
        TransportHarness.Check(moved, useCandidate: false);

        harness.Ice.SelectedEndPoint.Should().Be(moved.LocalEndPoint);
        var plain = SrtpTestPackets.PlainRtp(0x4444, 7)[..RtpLength];
        var packet = new byte[2048];
        plain.CopyTo(packet, 0);
        harness.Transport.TrySendRtp(packet, plain.Length).Should().BeTrue();
        var received = new byte[2048];
        var length = moved.Receive(received);
        inbound.TryUnprotectRtp(received.AsSpan(0, length), out var plainLength).Should().BeTrue();
        received.AsSpan(0, plainLength).ToArray().Should().Equal(plain, "media goes to where the browser's checks come from");
        await TransportHarness.CountedAsync(() => harness.Events.IceChecks.Contains(IceCheckResult.Nominated), "reported as a nomination");
    }

    [Fact]
    public async Task A_browser_flooding_media_from_several_addresses_gets_its_budget_per_window_and_the_excess_is_dropped_before_the_gate()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = new TransportHarness(clock);
        harness.Secure();
        using var browserKeys = harness.BrowserOutbound();
        Socket[] sockets = [harness.ValidatedPeer(), harness.ValidatedPeer(), harness.ValidatedPeer()];
        const int PerWindow = 10_000 / 10; // the default MediaServer:MaxInboundPacketsPerSecond
        const int Sent = PerWindow + 500;

        for (var i = 0; i < Sent; i++)
        {
            sockets[i % sockets.Length].Send(SrtpTestPackets.ProtectRtp(browserKeys, SrtpTestPackets.PlainRtp(BrowserSsrc, (ushort)i), RtpLength));
            if (i % 100 == 99)
            {
                var handled = i + 1;
                await TransportHarness.CountedAsync(() => harness.Events.Rtp.Count + harness.Counters.OverBudget == handled, $"{handled} handled");
            }
        }

        harness.Events.Rtp.Count.Should().Be(PerWindow, "one window's budget, the clock standing still");
        harness.Counters.OverBudget.Should().Be(500);
        clock.Advance(InboundMediaBudget.Window);
        sockets[0].Send(SrtpTestPackets.ProtectRtp(browserKeys, SrtpTestPackets.PlainRtp(BrowserSsrc, Sent), RtpLength));
        await TransportHarness.CountedAsync(() => harness.Events.Rtp.Count == PerWindow + 1, "the next window takes media again");
    }

    [Fact]
    public async Task A_page_flooding_valid_checks_gets_its_budget_of_them_per_window_and_the_excess_is_dropped_unanswered()
    {
        // A page knows its own ICE credentials: valid checks from many ports each cost HMACs and an answer under the gate.
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = new TransportHarness(clock);
        const int PerWindow = WebRtcTransport.ControlPacketsPerSecond / 10;
        var socket = harness.ValidatedPeer(); // its first check came from an address the transport did not hold yet
        clock.Advance(InboundMediaBudget.Window);
        var request = new byte[One2One.MediaServer.Rtc.Stun.StunWriter.MaxLength];
        var answer = new byte[512];

        for (var i = 0; i < PerWindow; i++)
        {
            socket.Send(request.AsSpan(0, SimulatedBrowser.WriteCheck(request, $"{TransportHarness.Ufrag}:peer", TransportHarness.Password, useCandidate: false, out _)));
            socket.Receive(answer).Should().BeGreaterThan(0, $"check {i + 1} is within the budget");
        }

        socket.Send(request.AsSpan(0, SimulatedBrowser.WriteCheck(request, $"{TransportHarness.Ufrag}:peer", TransportHarness.Password, useCandidate: false, out _)));
        await TransportHarness.CountedAsync(() => harness.Counters.OverBudget == 1, "the check past the budget is dropped");
        clock.Advance(InboundMediaBudget.Window);
        TransportHarness.Check(socket, useCandidate: false);
    }

    [Fact]
    public async Task A_stranger_flooding_checks_that_name_the_ufrag_does_not_take_the_held_paths_budget()
    {
        // The ufrag travels in clear in every check: anyone who saw one packet can name the transport, without its password.
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = new TransportHarness(clock);
        var browser = harness.ValidatedPeer();
        clock.Advance(InboundMediaBudget.Window);
        const int PerWindow = WebRtcTransport.ControlPacketsPerSecond / 10;
        var stranger = harness.Stranger();
        var forged = new byte[One2One.MediaServer.Rtc.Stun.StunWriter.MaxLength];
        var forgedLength = SimulatedBrowser.WriteCheck(forged, $"{TransportHarness.Ufrag}:peer", "not-the-password-0123456789", useCandidate: true, out _);

        for (var i = 0; i < PerWindow + 50; i++)
        {
            stranger.Send(forged.AsSpan(0, forgedLength));
        }

        await TransportHarness.CountedAsync(() => harness.Counters.OverBudget == 50, "the stranger's flood past its own budget is dropped");
        TransportHarness.Check(browser, useCandidate: false); // answered: the held path's budget is untouched
        harness.Counters.OverBudget.Should().Be(50);
    }

    [Fact]
    public async Task An_address_the_agent_let_go_is_no_longer_routed_to_its_transport_and_another_endpoint_may_validate_it()
    {
        _harness.Secure();
        using var browserKeys = _harness.BrowserOutbound();
        var first = _harness.ValidatedPeer();
        var firstKey = AddressKey.From((IPEndPoint)first.LocalEndPoint!);
        for (var i = 1; i <= IceLiteAgent.MaxPeerAddresses; i++)
        {
            _harness.ValidatedPeer(); // the last one takes the first one's place: it was checked least recently
        }

        _harness.Ice.IsValidated(_harness.Ports.Udp, firstKey).Should().BeFalse();
        _harness.Ports.Directory.TryFindByAddress(firstKey, out _).Should().BeFalse("the port no longer hands its datagrams to this transport");
        first.Send(SrtpTestPackets.ProtectRtp(browserKeys, SrtpTestPackets.PlainRtp(BrowserSsrc, 1), RtpLength));
        await TransportHarness.CountedAsync(() => _harness.Ports.Udp.Counters.NotValidated == 1, "its media is unclaimed on the port");
        _harness.Events.Rtp.Should().BeEmpty();
        _harness.Counters.TotalDropped.Should().Be(0, "the transport never saw it");

        // Another call's browser may now get this address (a NAT hands out ports again): its check is answered.
        var other = new RecordingTransportEvents();
        await using var otherTransport = new WebRtcTransport(_harness.Ports, new IceLiteAgent(new IceCredentials("srvU", TransportHarness.Password), TimeProvider.System),
            other, NullLoggerFactory.Instance, TimeProvider.System);
        var request = new byte[StunWriter.MaxLength];
        first.Send(request.AsSpan(0, SimulatedBrowser.WriteCheck(request, "srvU:peer", TransportHarness.Password, useCandidate: true, out _)));
        var answer = new byte[512];
        var length = first.Receive(answer);

        new ReceivedStun(answer[..length]).Class.Should().Be(StunMessageClass.SuccessResponse);
        otherTransport.Ice.IsValidated(_harness.Ports.Udp, firstKey).Should().BeTrue();
        _harness.Ports.Directory.TryFindByAddress(firstKey, out var owner).Should().BeTrue();
        owner.Should().BeSameAs(otherTransport);
    }
}
