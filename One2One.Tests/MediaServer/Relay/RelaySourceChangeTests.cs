using System.Buffers.Binary;
using Microsoft.Extensions.Logging.Abstractions;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Relay;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Rtp;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// A sink whose source changes mid-call (a page that reloads gets a new endpoint, connected to the other side's): B's
/// browser first gets A's video, then C's, on one stream whose numbers go on from A's. What B's browser sees of C's
/// packets and reports, and what C's browser hears of B's, must agree with those numbers: C's reordered packets from
/// before its first are not sent on A's numbers, C's sender reports carry B's RTP time, and B's NACKs reach C in C's
/// own numbers. Through MediaPipeline and WebRtcEndpointImpl (the one-source-per-sink rule lives in the element layer),
/// over real sockets, with simulated browsers.
/// </summary>
public sealed class RelaySourceChangeTests : IAsyncLifetime
{
    private readonly RelayRig _rig = RelayRig.Create();
    private readonly List<SimulatedBrowser> _browsers = [];
    private readonly List<WebRtcEndpointImpl> _endpoints = [];
    private SessionRecordingFactory _sessions = null!;
    private MediaPipelineImpl _pipeline = null!;

    public async Task InitializeAsync()
    {
        _sessions = new SessionRecordingFactory(_rig.Factory);
        var mediaSet = new MediaSet(_sessions, _rig.Clock, NullLogger<MediaSet>.Instance);
        _pipeline = mediaSet.CreatePipeline(null);
        for (var i = 0; i < 3; i++)
        {
            var endpoint = await mediaSet.CreateWebRtcEndpointAsync(_pipeline, recvOnly: false, sendOnly: false, owner: null);
            var browser = new SimulatedBrowser();
            _endpoints.Add(endpoint);
            _browsers.Add(browser);
            var answer = await endpoint.ProcessOfferAsync(browser.OfferSdp);
            browser.AcceptAnswer(answer, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, _sessions.Created[i].Transport.LocalPort));
            await browser.CompleteIceAsync();
            await browser.CompleteDtlsAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await _pipeline.ReleaseAsync();
        foreach (var browser in _browsers)
        {
            await browser.DisposeAsync();
        }

        await _rig.DisposeAsync();
    }

    private SimulatedBrowser A => _browsers[0];

    private SimulatedBrowser B => _browsers[1];

    private SimulatedBrowser C => _browsers[2];

    [Fact]
    public async Task Connecting_C_to_B_replaces_A_as_Bs_source_for_that_kind()
    {
        await _endpoints[0].ConnectAsync(_endpoints[1], null);
        A.SendRtp(KurentoMediaType.Video, 1, 0, true, new byte[20]);
        (await B.NextRtpAsync()).SequenceNumber.Should().Be(1);

        await _endpoints[2].ConnectAsync(_endpoints[1], KurentoMediaType.Video);
        A.SendRtp(KurentoMediaType.Video, 2, 0, true, new byte[20]);
        A.SendRtp(KurentoMediaType.Audio, 3, 0, false, new byte[20]);
        (await B.NextRtpAsync()).SequenceNumber.Should().Be(3, "A's video no longer reaches B; A's audio still does");

        C.SendRtp(KurentoMediaType.Video, 40, 0, true, new byte[20]);
        var fromC = await B.NextRtpAsync();
        fromC.SequenceNumber.Should().Be(2, "B's video stream goes on from the last packet A sent it (1), not from C's numbers: a jump back would fall outside B's SRTP replay window");
        fromC.Ssrc.Should().Be(B.Answer!.VideoSsrc, "B's browser sees one video stream whichever source feeds it");
    }

    [Fact]
    public async Task A_packet_of_C_overtaken_by_C_s_first_is_not_sent_to_B_on_a_number_A_s_packet_had()
    {
        var first = await SwitchBToCAsync(firstOfC: 40);

        // C's 39 was sent before its 40 and arrives after it: on B's stream it would be number 1 again, A's packet's number
        // (the same SRTP index with another payload). It is not sent; C's 41 is, after B's first packet from C.
        C.SendRtp(KurentoMediaType.Video, 39, 2_000, false, [39]);
        C.SendRtp(KurentoMediaType.Video, 41, 2_000, false, [41]);

        var next = await B.NextRtpAsync("C's 41");
        next.SequenceNumber.Should().Be((ushort)(first.SequenceNumber + 1), "C's 39 was not relayed; 41 follows 40");
        next.Packet[^1].Should().Be(41);
        B.UndecryptablePackets.Should().Be(0, "nothing reached B on a number already used (its SRTP refuses a replayed index)");
    }

    [Fact]
    public async Task C_s_sender_report_reaches_B_with_the_rtp_time_of_B_s_stream()
    {
        var first = await SwitchBToCAsync(firstOfC: 40, firstTimestamp: 500_000);

        // RtcpTestPackets' sender report says RTP time 123456; in B's stream C's 500,000 is first.Timestamp.
        C.SendRtcp(RtcpTestPackets.SenderReport(C.Offer.VideoSsrc));

        var report = await B.NextRtcpWithAsync(p => p.PacketType == RtcpView.SenderReport, "C's sender report");
        report.SenderSsrc.Should().Be(B.Answer!.VideoSsrc);
        BinaryPrimitives.ReadUInt32BigEndian(report.Bytes.AsSpan(16)).Should().Be(unchecked(123_456u + (first.Timestamp - 500_000u)),
            "the report maps NTP time to the RTP time B's browser sees on the packets (else lip sync is lost)");
    }

    [Fact]
    public async Task B_s_nack_for_a_packet_lost_between_C_and_the_media_server_reaches_C_in_C_s_own_numbers()
    {
        var first = await SwitchBToCAsync(firstOfC: 40);
        C.SendRtp(KurentoMediaType.Video, 42, 2_000, false, [42]);
        (await B.NextRtpAsync("C's 42")).SequenceNumber.Should().Be((ushort)(first.SequenceNumber + 2));

        // C's 41 never reached the media server: B asks for the number between, which only C can send again.
        B.SendRtcp(RtcpTestPackets.GenericNack(B.Offer.VideoSsrc, B.Answer!.VideoSsrc, ((ushort)(first.SequenceNumber + 1), 0)));

        var nack = await C.NextRtcpWithAsync(p => p.IsNack, "B's NACK, relayed");
        nack.MediaSsrc.Should().Be(C.Offer.VideoSsrc);
        BinaryPrimitives.ReadUInt16BigEndian(nack.Bytes.AsSpan(12)).Should().Be(41, "C knows the lost packet as its 41");
    }

    /// <summary>A feeds B (one video packet, number 1), then C does; returns B's first packet from C (C's <paramref name="firstOfC"/>).</summary>
    private async Task<ReceivedRtp> SwitchBToCAsync(ushort firstOfC, uint firstTimestamp = 1_000)
    {
        await _endpoints[0].ConnectAsync(_endpoints[1], null);
        A.SendRtp(KurentoMediaType.Video, 1, 90_000, true, [1]);
        (await B.NextRtpAsync("A's first")).SequenceNumber.Should().Be(1);

        await _endpoints[2].ConnectAsync(_endpoints[1], KurentoMediaType.Video);
        C.SendRtp(KurentoMediaType.Video, firstOfC, firstTimestamp, true, [(byte)firstOfC]);
        var first = await B.NextRtpAsync("C's first");
        first.SequenceNumber.Should().Be(2, "B's stream goes on from A's 1");
        return first;
    }

    /// <summary>The real factory, keeping the sessions it made so the test can read their ports.</summary>
    private sealed class SessionRecordingFactory(WebRtcSessionFactory inner) : IWebRtcSessionFactory
    {
        public List<WebRtcSession> Created { get; } = [];

        public int OpenSocketCount => inner.OpenSocketCount;

        public IWebRtcSession Create(WebRtcEndpointSettings settings, IWebRtcSessionObserver observer)
        {
            var session = (WebRtcSession)inner.Create(settings, observer);
            Created.Add(session);
            return session;
        }
    }
}
