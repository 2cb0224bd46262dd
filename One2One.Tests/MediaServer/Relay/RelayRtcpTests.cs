using One2One.MediaServer.Relay;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Transport;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Rtp;
using One2One.Tests.MediaServer.Rtc.Sdp;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// RTCP through the relay between two simulated browsers: reports of a sender become reports of the sink endpoint's
/// outgoing streams; feedback about what an endpoint sends its browser becomes feedback to the source browser about its
/// own streams; and the relay's own keyframe requests.
/// </summary>
public sealed class RelayRtcpTests : IAsyncLifetime
{
    private readonly RelayRig _rig = RelayRig.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task As_sender_report_reaches_B_as_a_report_of_Bs_outgoing_stream_about_what_B_sends()
    {
        var (a, b) = await CallWithKeyframeRequestsTakenAsync();
        var sr = RtcpTestPackets.SenderReport(a.Browser.Offer.AudioSsrc, a.OutgoingSsrc(KurentoMediaType.Video));
        var sdes = RtcpTestPackets.SourceDescription((a.Browser.Offer.AudioSsrc, "a-cname"));

        a.Browser.SendRtcp(RtcpTestPackets.Compound(sr, sdes));
        var packets = RtcpView.Read(await b.Browser.NextRtcpAsync("for A's sender report"));

        packets.Select(p => p.PacketType).Should().Equal(RtcpView.SenderReport, RtcpView.SourceDescription);
        var report = packets[0];
        report.SenderSsrc.Should().Be(b.OutgoingSsrc(KurentoMediaType.Audio), "B's browser knows A's audio as B's endpoint's audio SSRC");
        report.Bytes.AsSpan(8, 20).ToArray().Should().Equal(sr.AsSpan(8, 20).ToArray(), "the sender info (NTP, RTP time, counts) is A's");
        report.CountOrFormat.Should().Be(1);
        report.ReportBlockSsrc(0).Should().Be(b.Browser.Offer.VideoSsrc, "A received its video from B's browser");
        report.Bytes.AsSpan(32, 20).ToArray().Should().Equal(sr.AsSpan(32, 20).ToArray(), "loss, jitter and timing stay as A measured them");
        packets[1].FirstChunkSsrc.Should().Be(b.OutgoingSsrc(KurentoMediaType.Audio));
    }

    [Fact]
    public async Task Bs_pli_fir_nack_and_remb_about_Bs_video_reach_A_as_feedback_about_As_own_video()
    {
        var (a, b) = await CallWithKeyframeRequestsTakenAsync();
        var bVideo = b.Browser.Offer.VideoSsrc;
        var aboutWhatBReceives = b.OutgoingSsrc(KurentoMediaType.Video);
        var aVideo = a.Browser.Offer.VideoSsrc;

        b.Browser.SendRtcp(RtcpTestPackets.Compound(RtcpTestPackets.ReceiverReport(bVideo, aboutWhatBReceives), RtcpTestPackets.PictureLossIndication(bVideo, aboutWhatBReceives)));
        b.Browser.SendRtcp(RtcpTestPackets.FullIntraRequest(bVideo, (aboutWhatBReceives, 7)));
        var nack = RtcpTestPackets.GenericNack(bVideo, aboutWhatBReceives, (1234, 0x8001));
        b.Browser.SendRtcp(nack);
        b.Browser.SendRtcp(RtcpTestPackets.Remb(bVideo, 3, 150_000, aboutWhatBReceives));

        var first = RtcpView.Read(await a.Browser.NextRtcpAsync("for B's RR + PLI"));
        first.Select(p => p.PacketType).Should().Equal(RtcpView.ReceiverReport, RtcpView.PayloadFeedback);
        first[0].ReportBlockSsrc(0).Should().Be(aVideo);
        first[1].IsPli.Should().BeTrue();
        first[1].MediaSsrc.Should().Be(aVideo, "A's browser is asked for a keyframe of its own video");

        var fir = RtcpView.Read(await a.Browser.NextRtcpAsync("for B's FIR")).Single();
        fir.IsFir.Should().BeTrue();
        fir.FirSsrc(0).Should().Be(aVideo);
        fir.Bytes[16].Should().Be(7, "the FIR sequence number is B's");

        var relayedNack = RtcpView.Read(await a.Browser.NextRtcpAsync("for B's NACK")).Single();
        relayedNack.IsNack.Should().BeTrue();
        relayedNack.MediaSsrc.Should().Be(aVideo);
        relayedNack.Bytes.AsSpan(12).ToArray().Should().Equal(nack.AsSpan(12).ToArray(), "the lost packets are A's sequence numbers, unchanged");

        var remb = RtcpView.Read(await a.Browser.NextRtcpAsync("for B's REMB")).Single();
        remb.IsRemb.Should().BeTrue();
        remb.RembSsrcs.Should().Equal(aVideo);
        foreach (var packet in first.Append(fir).Append(relayedNack).Append(remb))
        {
            packet.SenderSsrc.Should().NotBe(bVideo, "B's browser's SSRC means nothing to A's browser");
        }
    }

    [Fact]
    public async Task Video_lost_between_the_media_server_and_B_is_sent_again_from_the_media_servers_history_and_the_nack_is_not_relayed()
    {
        var (a, b) = await CallWithKeyframeRequestsTakenAsync();
        var bVideo = b.Browser.Offer.VideoSsrc;
        var aboutWhatBReceives = b.OutgoingSsrc(KurentoMediaType.Video);

        // The call's first loss, with no loss report before it: A could not repair it (its resend would be a replay to the
        // media server), so the media server must have kept what it sent B from the first packet.
        b.Browser.LosesRtp = sequence => sequence is 102 or 104;
        var received = new List<ReceivedRtp>();
        for (ushort sequence = 100; sequence < 106; sequence++)
        {
            a.Browser.SendRtp(KurentoMediaType.Video, sequence, 3000u * sequence, marker: false, payload: [(byte)sequence, 1, 2, 3]);
        }

        for (var i = 0; i < 4; i++)
        {
            received.Add(await b.Browser.NextRtpAsync("the packets that got through"));
        }

        received.Select(p => p.SequenceNumber).Should().Equal(100, 101, 103, 105);
        b.Browser.LosesRtp = null;

        // B asks for 102 and 104 (the bit for 102 + 2).
        b.Browser.SendRtcp(RtcpTestPackets.GenericNack(bVideo, aboutWhatBReceives, (102, 0b10)));

        var again = new[] { await b.Browser.NextRtpAsync("102 again"), await b.Browser.NextRtpAsync("104 again") };
        again.Select(p => p.SequenceNumber).Should().Equal(102, 104);
        again.Select(p => p.Packet[^4..].ToArray()).Should().BeEquivalentTo(
            new[] { new byte[] { 102, 1, 2, 3 }, [104, 1, 2, 3] }, o => o.WithStrictOrdering(), "each is the packet A sent with that number (its payload last)");
        again.Should().OnlyContain(p => p.Ssrc == aboutWhatBReceives);
        b.Session.RetransmittedPackets.Should().Be(2);

        // A hears nothing of it: the next feedback A gets is the REMB B sent after that NACK.
        b.Browser.SendRtcp(RtcpTestPackets.Remb(bVideo, 3, 150_000, aboutWhatBReceives));
        RtcpView.Read(await a.Browser.NextRtcpAsync("B's REMB")).Should().ContainSingle().Which.IsRemb.Should().BeTrue("the answered NACK was not relayed");

        // A packet the media server never sent B (or no longer keeps) is still A's to resend: that NACK goes on.
        b.Browser.SendRtcp(RtcpTestPackets.GenericNack(bVideo, aboutWhatBReceives, (60_000, 0)));
        (await a.Browser.NextRtcpWithAsync(p => p.IsNack, "a NACK the media server cannot answer")).MediaSsrc.Should().Be(a.Browser.Offer.VideoSsrc);
    }

    [Fact]
    public async Task After_B_s_page_reconnects_only_what_was_sent_under_its_new_keys_is_sent_again()
    {
        var (a, b) = await CallWithKeyframeRequestsTakenAsync();
        var aboutWhatBReceives = b.OutgoingSsrc(KurentoMediaType.Video);
        for (ushort sequence = 100; sequence < 103; sequence++)
        {
            a.Browser.SendRtp(KurentoMediaType.Video, sequence, 3000u * sequence, marker: false, payload: [(byte)sequence]);
            await b.Browser.NextRtpAsync("sent under B's first keys");
        }

        // B's page reconnects (a reload): a new RTCPeerConnection, a new DTLS handshake, new SRTP keys.
        await using var again = new SimulatedBrowser();
        again.AcceptAnswer(b.Session.ProcessOffer(again.OfferSdp), new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, b.Session.Transport.LocalPort));
        await again.CompleteIceAsync();
        await again.CompleteDtlsAsync();

        // A packet kept under the old keys is nothing the new page could decrypt: that NACK goes on to A.
        again.SendRtcp(RtcpTestPackets.GenericNack(again.Offer.VideoSsrc, aboutWhatBReceives, (101, 0)));
        (await a.Browser.NextRtcpWithAsync(p => p.IsNack, "a NACK for a packet of the old keys")).MediaSsrc.Should().Be(a.Browser.Offer.VideoSsrc);
        b.Session.RetransmittedPackets.Should().Be(0);

        // The first packet lost under the new keys is repaired from the media server's history.
        again.LosesRtp = sequence => sequence == 103;
        a.Browser.SendRtp(KurentoMediaType.Video, 103, 3000u * 103, marker: false, payload: [103]);
        a.Browser.SendRtp(KurentoMediaType.Video, 104, 3000u * 104, marker: false, payload: [104]);
        (await again.NextRtpAsync("104, after the lost 103")).SequenceNumber.Should().Be(104);
        again.LosesRtp = null;
        again.SendRtcp(RtcpTestPackets.GenericNack(again.Offer.VideoSsrc, aboutWhatBReceives, (103, 0)));

        (await again.NextRtpAsync("103 again")).SequenceNumber.Should().Be(103);
        b.Session.RetransmittedPackets.Should().Be(1);
    }

    [Fact]
    public async Task A_nack_that_asks_for_the_same_packets_hundreds_of_times_gets_each_sent_again_twice_at_most()
    {
        var (a, b) = await CallWithKeyframeRequestsTakenAsync();
        var bVideo = b.Browser.Offer.VideoSsrc;
        var aboutWhatBReceives = b.OutgoingSsrc(KurentoMediaType.Video);
        for (ushort sequence = 100; sequence < 106; sequence++)
        {
            a.Browser.SendRtp(KurentoMediaType.Video, sequence, 3000u * sequence, marker: false, payload: [(byte)sequence]);
            await b.Browser.NextRtpAsync("the packets the media server keeps");
        }

        // 250 items, each naming 100 and the 16 after it (100-105 are kept): 4,250 resends asked for in 1 KB.
        b.Browser.SendRtcp(RtcpTestPackets.GenericNack(bVideo, aboutWhatBReceives, Enumerable.Repeat(((ushort)100, (ushort)0xFFFF), 250).ToArray()));

        // Not all of it could be answered here (106-116 were never sent), so the NACK goes on to A, once the resends are
        // out (B's page drops them: it has those packets, and SRTP refuses a replay; the server's count says what went).
        (await a.Browser.NextRtcpWithAsync(p => p.IsNack, "the NACK, relayed")).MediaSsrc.Should().Be(a.Browser.Offer.VideoSsrc);
        b.Session.RetransmittedPackets.Should().Be(6 * RetransmissionHistory.MaxResends, "each of the six kept packets twice, not 4,250 sends");

        b.Browser.SendRtcp(RtcpTestPackets.GenericNack(bVideo, aboutWhatBReceives, (100, 0b11111)));
        (await a.Browser.NextRtcpWithAsync(p => p.IsNack, "the same NACK again, relayed")).Should().NotBeNull();
        b.Session.RetransmittedPackets.Should().Be(6 * RetransmissionHistory.MaxResends, "a packet sent again twice is not sent a third time");
    }

    [Fact]
    public async Task Video_lost_between_A_and_the_media_server_that_A_sends_again_hundreds_of_packets_later_reaches_B()
    {
        var (a, b) = await CallWithKeyframeRequestsTakenAsync();
        var bVideo = b.Browser.Offer.VideoSsrc;
        var aboutWhatBReceives = b.OutgoingSsrc(KurentoMediaType.Video);

        // A's 110 is lost on its way to the media server; 299 newer packets arrive before A, asked by B, sends it again
        // (a keyframe's burst over a mobile round trip).
        for (ushort sequence = 100; sequence < 410; sequence++)
        {
            if (sequence != 110)
            {
                a.Browser.SendRtp(KurentoMediaType.Video, sequence, 3000u * sequence, marker: false, payload: [(byte)sequence, 1, 2, 3]);
                (await b.Browser.NextRtpAsync()).SequenceNumber.Should().Be(sequence);
            }
        }

        b.Browser.SendRtcp(RtcpTestPackets.GenericNack(bVideo, aboutWhatBReceives, (110, 0)));
        var nack = await a.Browser.NextRtcpWithAsync(p => p.IsNack, "B's NACK, relayed: the media server never had 110");
        System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(nack.Bytes.AsSpan(12)).Should().Be(110);

        a.Browser.SendRtp(KurentoMediaType.Video, 110, 3000u * 110, marker: false, payload: [110, 1, 2, 3]);
        var again = await b.Browser.NextRtpAsync("A's 110, sent again");
        again.SequenceNumber.Should().Be(110, "the media server took it, 299 behind the newest (browsers keep 1,024), not as a replay");
        again.Packet[^4..].ToArray().Should().Equal(new byte[] { 110, 1, 2, 3 });
    }

    [Fact]
    public async Task Connecting_a_secured_sink_for_video_asks_the_source_browser_for_a_keyframe()
    {
        var a = await _rig.ConnectAsync();
        var b = await _rig.ConnectAsync();

        a.Session.AddSink(b.Session, KurentoMediaType.Video);

        var pli = await a.Browser.NextRtcpWithAsync(p => p.IsPli, "after B was connected to A's video");
        pli.MediaSsrc.Should().Be(a.Browser.Offer.VideoSsrc);
        pli.SenderSsrc.Should().Be(a.OutgoingSsrc(KurentoMediaType.Video));
    }

    [Fact]
    public async Task A_sink_whose_dtls_completes_after_the_connection_asks_the_source_browser_for_a_keyframe()
    {
        var a = await _rig.ConnectAsync();
        var b = _rig.Negotiate();
        await b.Browser.CompleteIceAsync();
        a.Session.AddSink(b.Session, KurentoMediaType.Video);
        b.Session.Transport.IsSecured.Should().BeFalse();

        await b.Browser.CompleteDtlsAsync();

        var pli = await a.Browser.NextRtcpWithAsync(p => p.IsPli, "after B's DTLS completed");
        pli.MediaSsrc.Should().Be(a.Browser.Offer.VideoSsrc);
    }

    [Fact]
    public async Task Rtcp_about_a_kind_that_is_not_connected_is_not_relayed()
    {
        var a = await _rig.ConnectAsync();
        var b = await _rig.ConnectAsync();
        a.Session.AddSink(b.Session, KurentoMediaType.Audio);
        b.Session.AddSink(a.Session, KurentoMediaType.Audio);

        b.Browser.SendRtcp(RtcpTestPackets.PictureLossIndication(b.Browser.Offer.VideoSsrc, b.OutgoingSsrc(KurentoMediaType.Video)));
        b.Browser.SendRtcp(RtcpTestPackets.ReceiverReport(b.Browser.Offer.AudioSsrc, b.OutgoingSsrc(KurentoMediaType.Audio)));

        var next = RtcpView.Read(await a.Browser.NextRtcpAsync("for B's receiver report"));
        next.Should().ContainSingle().Which.PacketType.Should().Be(RtcpView.ReceiverReport, "the PLI sent before it was about video, which is not connected");
        next[0].ReportBlockSsrc(0).Should().Be(a.Browser.Offer.AudioSsrc);
    }

    [Fact]
    public async Task In_loopback_the_browsers_own_feedback_about_its_returned_video_reaches_it_about_its_own_video()
    {
        var a = await _rig.ConnectAsync();
        a.Session.AddSink(a.Session, KurentoMediaType.Video);
        await a.Browser.NextRtcpWithAsync(p => p.IsPli, "the keyframe request of the connection");

        a.Browser.SendRtcp(RtcpTestPackets.PictureLossIndication(a.Browser.Offer.VideoSsrc, a.OutgoingSsrc(KurentoMediaType.Video)));

        var pli = RtcpView.Read(await a.Browser.NextRtcpAsync("for the looped-back PLI")).Single();
        pli.IsPli.Should().BeTrue();
        pli.MediaSsrc.Should().Be(a.Browser.Offer.VideoSsrc);
    }

    [Fact]
    public async Task An_ssrc_the_offer_did_not_announce_is_learned_from_the_first_packet_and_used_for_feedback()
    {
        var quiet = new SimulatedBrowser { EditOffer = sdp => SdpFixtures.Without(sdp, line => line.StartsWith("a=ssrc", StringComparison.Ordinal)) };
        var (a, b) = await _rig.CallAsync(quiet);
        a.Session.InboundSsrc(KurentoMediaType.Video).Should().BeNull("the offer named no SSRC");

        a.Browser.SendRtp(KurentoMediaType.Video, 1, 0, true, new byte[100]);
        (await b.Browser.NextRtpAsync()).Ssrc.Should().Be(b.OutgoingSsrc(KurentoMediaType.Video));
        b.Browser.SendRtcp(RtcpTestPackets.PictureLossIndication(b.Browser.Offer.VideoSsrc, b.OutgoingSsrc(KurentoMediaType.Video)));

        var pli = await a.Browser.NextRtcpWithAsync(p => p.IsPli, "for B's PLI");
        pli.MediaSsrc.Should().Be(a.Browser.Offer.VideoSsrc, "the SSRC was learned from A's first video packet");
        a.Session.InboundSsrc(KurentoMediaType.Video).Should().Be(a.Browser.Offer.VideoSsrc);
    }

    [Fact]
    public async Task A_browser_that_alternates_its_video_ssrc_on_every_packet_gets_one_keyframe_request_per_interval_not_one_per_packet()
    {
        var (a, b) = await CallWithKeyframeRequestsTakenAsync();
        _rig.Clock.Advance(WebRtcSession.KeyframeRequestInterval);
        var other = a.Browser.Offer.VideoSsrc + 1;

        for (ushort i = 1; i <= 400; i++)
        {
            a.Browser.SendRtp(KurentoMediaType.Video, i, i * 3000u, true, new byte[100], ssrc: i % 2 == 0 ? other : a.Browser.Offer.VideoSsrc);
        }

        await b.Browser.NextRtpAsync("the flips are relayed");
        await a.Browser.NextRtcpWithAsync(p => p.IsPli, "the request for the first change");
        var requests = await CountPlisAsync(a.Browser);
        requests.Should().Be(0, "one request for the first change within the interval; the rest are skipped");
        a.Session.KeyframeRequestsSkipped.Should().BeGreaterThan(10, "the other changes each asked for one");

        _rig.Clock.Advance(WebRtcSession.KeyframeRequestInterval);
        a.Browser.SendRtp(KurentoMediaType.Video, 401, 401 * 3000u, true, new byte[100], ssrc: a.Browser.Offer.VideoSsrc); // 400 was the other
        (await a.Browser.NextRtcpWithAsync(p => p.IsPli, "a change after the interval is asked for again")).MediaSsrc.Should().NotBe(0);
    }

    /// <summary>How many PLIs reach <paramref name="browser"/> until none has come for half a second.</summary>
    private static async Task<int> CountPlisAsync(SimulatedBrowser browser)
    {
        var count = 0;
        while (await browser.NextRtcpOrNullAsync(TimeSpan.FromMilliseconds(500)) is { } compound)
        {
            count += RtcpView.Read(compound).Count(p => p.IsPli);
        }

        return count;
    }

    /// <summary>A call, with the keyframe request each browser gets when the other's video is connected already read.</summary>
    private async Task<(RelayEndpoint A, RelayEndpoint B)> CallWithKeyframeRequestsTakenAsync()
    {
        var (a, b) = await _rig.CallAsync();
        await a.Browser.NextRtcpWithAsync(p => p.IsPli, "the keyframe request of the connection");
        await b.Browser.NextRtcpWithAsync(p => p.IsPli, "the keyframe request of the connection");
        return (a, b);
    }
}
