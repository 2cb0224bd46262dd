using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using One2One.Server.Contracts;
using One2One.Tests.MediaServer.Rtc.Sdp;
using One2One.Tests.Observability.Support;
using One2One.Tests.Support;

namespace One2One.Tests.Observability;

/// <summary>
/// The meters <c>One2One</c> and <c>One2One.MediaServer</c> on real calls over SignalR through the embedded media server,
/// read with MetricCollector from the server's own IMeterFactory (so other servers in this process do not count).
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly One2OneServerFactory _server = new();

    private IMeterFactory Meters => _server.Services.GetRequiredService<IMeterFactory>();

    public Task InitializeAsync()
    {
        _server.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_call_to_an_unknown_user_counts_a_rejection_with_its_reason()
    {
        using var rejected = Collector<long>("One2One", "one2one.hub.rejected");
        await using var alice = await SignalingClient.RegisteredAsync(_server.HubUri, "alice");

        await alice.CallAsync("nobody", SdpFixtures.RecordedChromium156);

        (await alice.ExpectAsync<CallResponse>()).Reason.Should().Be(Reasons.UnknownUser);
        var measurement = rejected.GetMeasurementSnapshot().Should().ContainSingle().Subject;
        measurement.Value.Should().Be(1);
        measurement.Tags.Should().Equal(new Dictionary<string, object?> { ["reason"] = Reasons.UnknownUser });
    }

    [Fact]
    public async Task Rejected_registrations_and_thrown_errors_count_with_their_reasons()
    {
        using var rejected = Collector<long>("One2One", "one2one.hub.rejected");
        await using var alice = await SignalingClient.RegisteredAsync(_server.HubUri, "alice");
        await using var stranger = await SignalingClient.ConnectAsync(_server.HubUri);

        (await stranger.RegisterAsync("ALICE")).Reason.Should().Be(Reasons.NameTaken);
        await stranger.Invoking(s => s.CallAsync("alice", SdpFixtures.RecordedChromium156)).Should().ThrowAsync<HubException>();
        await alice.Invoking(a => a.SendCandidateAsync(new IceCandidateInit("candidate:1 1 udp 1 127.0.0.1 9 typ host", null, null)))
            .Should().ThrowAsync<HubException>();

        rejected.GetMeasurementSnapshot().Select(m => m.Tags["reason"]).Should()
            .Equal(Reasons.NameTaken, "not-registered", "invalid-candidate");
    }

    [Fact]
    public async Task A_call_with_media_is_counted_from_ringing_to_hang_up_and_its_relay_totals_survive_it()
    {
        using var started = Collector<long>("One2One", "one2one.calls.started");
        using var ended = Collector<long>("One2One", "one2one.calls.ended");
        using var active = Collector<long>("One2One", "one2one.calls.active");
        using var setup = Collector<double>("One2One", "one2one.call.setup.duration");
        using var registered = Collector<int>("One2One", "one2one.users.registered");
        using var endpoints = Collector<long>("One2One.MediaServer", "one2one.media.endpoints.active");
        using var packets = Collector<long>("One2One.MediaServer", "one2one.media.packets.relayed");
        using var bytes = Collector<long>("One2One.MediaServer", "one2one.media.bytes.relayed");
        using var dropped = Collector<long>("One2One.MediaServer", "one2one.media.packets.dropped");
        using var handshakes = Collector<double>("One2One.MediaServer", "one2one.media.dtls.handshake.duration");
        await using var call = await MediaCall.RegisterAsync(_server.HubUri, "alice", "bob");

        await call.ConnectAsync();
        await call.ExchangeVideoAsync(packets: 5, payloadBytes: 1000);
        call.CallerBrowser.Send([0xFF, 0xFF, 0xFF, 0xFF]);

        started.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        active.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1, "the call is in progress");
        setup.GetMeasurementSnapshot().Should().ContainSingle().Which.Value.Should().BeInRange(0.000_001, 30);
        Observe(registered).Should().Be(2);
        Observe(endpoints).Should().Be(2);
        Observe(packets).Should().BeGreaterThanOrEqualTo(10, "each browser's 5 packets reached the other");
        Observe(bytes).Should().BeGreaterThanOrEqualTo(10 * 1000);
        await handshakes.WaitForMeasurementsAsync(2, TimeSpan.FromSeconds(15));
        handshakes.GetMeasurementSnapshot().Should().HaveCount(2).And.OnlyContain(m => m.Value > 0 && m.Value < 15);
        await Eventually.TrueAsync(() => ObserveDrops(dropped, "unknown") >= 1, "the garbage datagram is counted as dropped, reason unknown");
        var relayedDuringCall = Observe(packets);

        await call.HangUpAsync();

        ended.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["reason"].Should().Be(Reasons.HungUp);
        active.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(0);
        await Eventually.TrueAsync(() => Observe(endpoints) == 0, "both endpoints were released");
        Observe(packets).Should().BeGreaterThanOrEqualTo(relayedDuringCall, "a released endpoint's packets stay counted");
        ObserveDrops(dropped, "unknown").Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task What_a_stranger_sends_to_the_shared_media_port_is_counted_as_dropped_though_no_endpoint_claims_it()
    {
        using var dropped = Collector<long>("One2One.MediaServer", "one2one.media.packets.dropped");
        await using var call = await MediaCall.RegisterAsync(_server.HubUri, "alice", "bob");
        await call.ConnectAsync();
        var unknownBefore = ObserveDrops(dropped, "unknown");
        var notValidatedBefore = ObserveDrops(dropped, "not-validated");

        // From an address no browser of a call uses: garbage, and what looks like DTLS (first byte 22).
        using var stranger = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        stranger.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        stranger.SendTo(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, call.CallerEndpoint!);
        stranger.SendTo(new byte[] { 22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, call.CallerEndpoint!);

        await Eventually.TrueAsync(() => ObserveDrops(dropped, "unknown") > unknownBefore, "the stranger's garbage is counted");
        await Eventually.TrueAsync(() => ObserveDrops(dropped, "not-validated") > notValidatedBefore, "its DTLS from an address no check validated is counted");
    }

    private MetricCollector<T> Collector<T>(string meter, string instrument)
        where T : struct => new(Meters, meter, instrument);

    private static T Observe<T>(MetricCollector<T> collector)
        where T : struct
    {
        collector.Clear();
        collector.RecordObservableInstruments();
        return collector.LastMeasurement!.Value;
    }

    private static long ObserveDrops(MetricCollector<long> dropped, string reason)
    {
        dropped.Clear();
        dropped.RecordObservableInstruments();
        return dropped.GetMeasurementSnapshot().Single(m => Equals(m.Tags["reason"], reason)).Value;
    }
}
