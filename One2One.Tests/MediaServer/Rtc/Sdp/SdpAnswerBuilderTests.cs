using System.Text.RegularExpressions;
using One2One.MediaServer.Protocol;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Sdp;

namespace One2One.Tests.MediaServer.Rtc.Sdp;

public class SdpAnswerBuilderTests
{
    private static readonly DtlsFingerprint LocalFingerprint =
        DtlsFingerprint.Parse("sha-256 01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF");

    private static readonly LocalTransportParameters Local = new(
        "LoCa1ufrag",
        "LocalPasswordOf24Chars12",
        LocalFingerprint,
        new LocalStreamIdentity(1111, "relay-cname", "relay-stream", "relay-audio"),
        new LocalStreamIdentity(2222, "relay-cname", "relay-stream", "relay-video"));

    private static SdpAnswer Answer(string offer, SdpAnswerOptions? options = null) =>
        SdpAnswerBuilder.Build(SessionDescription.Parse(offer), Local, options);

    private static IReadOnlyList<string> Lines(string sdp) => sdp.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The lines of m= section <paramref name="index"/> of an answer, its m= line first.</summary>
    private static IReadOnlyList<string> Section(string sdp, int index)
    {
        var sections = Regex.Split(sdp, "(?=^m=)", RegexOptions.Multiline).Skip(1).ToList();
        return Lines(sections[index]);
    }

    [Fact]
    public void Chrome_offer_gets_opus_and_VP8_on_one_ice_lite_passive_transport_and_the_data_channel_is_rejected()
    {
        var answer = Answer(SdpFixtures.ChromeAudioVideoData);
        var sdp = answer.Sdp;

        sdp.Should().EndWith("\r\n");
        sdp.Replace("\r\n", "", StringComparison.Ordinal).Should().NotContain("\n");
        var lines = Lines(sdp);
        lines[0].Should().Be("v=0");
        lines[1].Should().MatchRegex(@"^o=- [1-9][0-9]{0,18} 2 IN IP4 0\.0\.0\.0$");
        long.Parse(lines[1].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture).Should().BePositive();
        lines[2].Should().Be("s=-");
        lines[3].Should().Be("t=0 0");
        lines.Should().Contain("a=ice-lite").And.Contain("a=group:BUNDLE 0 1").And.Contain("a=msid-semantic: WMS relay-stream");
        sdp.Should().NotContain("a=extmap").And.NotContain("a=candidate").And.NotContain("transport-cc")
            .And.NotContain("rtx/").And.NotContain("red/").And.NotContain("ulpfec").And.NotContain("H264").And.NotContain("a=setup:act");

        Section(sdp, 0).Should().Equal(
            "m=audio 9 UDP/TLS/RTP/SAVPF 111",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:LoCa1ufrag",
            "a=ice-pwd:LocalPasswordOf24Chars12",
            "a=fingerprint:" + LocalFingerprint,
            "a=setup:passive",
            "a=mid:0",
            "a=sendrecv",
            "a=msid:relay-stream relay-audio",
            "a=rtcp-mux",
            "a=rtcp-rsize",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=ssrc:1111 cname:relay-cname",
            "a=ssrc:1111 msid:relay-stream relay-audio");

        var video = Section(sdp, 1);
        video[0].Should().Be("m=video 9 UDP/TLS/RTP/SAVPF 96");
        video.Should().ContainInOrder("a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli", "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 goog-remb")
            .And.Contain("a=setup:passive").And.Contain("a=mid:1").And.Contain("a=rtcp-mux").And.Contain("a=rtcp-rsize")
            .And.Contain("a=ssrc:2222 cname:relay-cname").And.Contain("a=ssrc:2222 msid:relay-stream relay-video")
            .And.Contain("a=msid:relay-stream relay-video").And.Contain("a=fingerprint:" + LocalFingerprint);
        video.Should().NotContain(l => l.StartsWith("a=fmtp", StringComparison.Ordinal));

        Section(sdp, 2).Should().Equal("m=application 0 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=mid:2");
    }

    [Fact]
    public void Chrome_answer_reports_what_the_relay_needs_per_m_line()
    {
        var answer = Answer(SdpFixtures.ChromeAudioVideoData);

        answer.Bundled.Should().BeTrue();
        answer.Remote.IceUfrag.Should().Be("Xq2d");
        answer.Remote.IcePwd.Should().Be("9Jq3G1J2aM0t6m7Kx0cX1BxH");
        answer.Remote.Fingerprints.Should().Equal(DtlsFingerprint.Parse(SdpFixtures.ChromeFingerprint));
        answer.Remote.Setup.Should().Be(DtlsSetup.ActPass);
        answer.Media.Should().HaveCount(3);

        var audio = answer.Media[0];
        audio.Should().BeEquivalentTo(new
        {
            Index = 0,
            Mid = "0",
            Kind = MediaKind.Audio,
            Accepted = true,
            RejectionReason = (string?)null,
            Direction = MediaDirection.SendRecv,
            RtcpReducedSize = true,
            LocalSsrc = 1111u,
        });
        audio.Codecs.Should().Equal(new NegotiatedCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1"));
        audio.RemoteSsrcs.Should().Equal(new RemoteSsrc(1357924680, null, "kV3nRzq0+7sT9xYb"));

        var video = answer.Media[1];
        video.Accepted.Should().BeTrue();
        video.Codec.Should().Be(new NegotiatedCodec(96, "VP8", 90000, 1, null));
        video.Codecs.Should().HaveCount(1);
        video.RemoteSsrcs.Should().Equal(new RemoteSsrc(2468013579, 3692581470, "kV3nRzq0+7sT9xYb"));
        video.LocalSsrc.Should().Be(2222u);

        var data = answer.Media[2];
        data.Accepted.Should().BeFalse();
        data.Kind.Should().Be(MediaKind.Application);
        data.Mid.Should().Be("2");
        data.RejectionReason.Should().Contain("application");
        data.Codecs.Should().BeEmpty();
        data.LocalSsrc.Should().BeNull();
    }

    [Fact]
    public void The_answer_parses_back_and_each_answer_has_a_fresh_session_id()
    {
        var first = Answer(SdpFixtures.ChromeAudioVideoData).Sdp;
        var second = Answer(SdpFixtures.ChromeAudioVideoData).Sdp;

        var parsed = SessionDescription.Parse(first);
        parsed.IceLite.Should().BeTrue();
        parsed.Media[0].Setup.Should().Be(DtlsSetup.Passive);
        parsed.Media[0].Fingerprints.Should().Equal(LocalFingerprint);
        parsed.Media[2].IsDisabled.Should().BeTrue();
        parsed.Origin.Should().NotBe(SessionDescription.Parse(second).Origin);
    }

    [Fact]
    public void Recorded_Chromium_156_offer_is_answered_with_its_own_payload_types()
    {
        var offer = SessionDescription.Parse(SdpFixtures.RecordedChromium156);
        offer.Media[0].AttributeValue("rtcp-xr").Should().Be("rcvr-rtt=all", "unknown attributes are kept");

        var answer = SdpAnswerBuilder.Build(offer, Local, new SdpAnswerOptions { AllowH264 = true });

        answer.Media.Select(m => m.Accepted).Should().Equal(true, true, false);
        answer.Media[0].Codec!.PayloadType.Should().Be(111);
        answer.Media[0].RemoteSsrcs.Should().Equal(new RemoteSsrc(3958983510, null, "4in1wajyBzM0jU8p"));
        answer.Media[1].Codecs.Select(c => (c.PayloadType, c.Name)).Should().Equal((96, "VP8"), (108, "H264"));
        answer.Media[1].RemoteSsrcs.Should().Equal(new RemoteSsrc(3384636408, 1211663634, "4in1wajyBzM0jU8p"));
        answer.Remote.IceUfrag.Should().Be("pzAR");
        answer.Sdp.Should().Contain("m=video 9 UDP/TLS/RTP/SAVPF 96 108\r\n").And.NotContain("rtcp-xr").And.NotContain("a=extmap");
    }

    [Fact]
    public void H264_is_added_after_VP8_when_allowed_with_the_offers_42e01f_packetization_mode_1_payload_type()
    {
        var answer = Answer(SdpFixtures.ChromeAudioVideoData, new SdpAnswerOptions { AllowH264 = true });

        answer.Media[1].Codecs.Should().Equal(
            new NegotiatedCodec(96, "VP8", 90000, 1, null),
            new NegotiatedCodec(106, "H264", 90000, 1, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"));
        var video = Section(answer.Sdp, 1);
        video[0].Should().Be("m=video 9 UDP/TLS/RTP/SAVPF 96 106");
        video.Should().ContainInOrder(
            "a=rtpmap:106 H264/90000", "a=rtcp-fb:106 nack", "a=rtcp-fb:106 nack pli", "a=rtcp-fb:106 ccm fir", "a=rtcp-fb:106 goog-remb",
            "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
    }

    [Fact]
    public void Video_without_VP8_is_rejected_unless_H264_is_allowed()
    {
        var noVp8 = SdpFixtures.Without(SdpFixtures.ChromeAudioVideoData, l => l.StartsWith("a=rtpmap:96 ", StringComparison.Ordinal));

        var answer = Answer(noVp8);
        answer.Media[1].Accepted.Should().BeFalse();
        answer.Media[1].RejectionReason.Should().Contain("no VP8");
        answer.Media[0].Accepted.Should().BeTrue();
        Section(answer.Sdp, 1).Should().Equal(
            "m=video 0 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125 39 40 45 46 98 99 100 101 112 113 116 117 118",
            "c=IN IP4 0.0.0.0",
            "a=mid:1");
        answer.Sdp.Should().Contain("a=group:BUNDLE 0\r\n");

        var withH264 = Answer(noVp8, new SdpAnswerOptions { AllowH264 = true });
        withH264.Media[1].Codecs.Select(c => (c.PayloadType, c.Name)).Should().Equal((106, "H264"));
    }

    [Fact]
    public void Firefox_offer_uses_its_payload_types_and_session_level_fingerprint()
    {
        var answer = Answer(SdpFixtures.FirefoxAudioVideo, new SdpAnswerOptions { AllowH264 = true });

        answer.Media[0].Codec.Should().Be(new NegotiatedCodec(109, "opus", 48000, 2, "minptime=10;useinbandfec=1"));
        answer.Media[0].RemoteSsrcs.Should().Equal(new RemoteSsrc(3284366935, null, "{8e9f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b}"));
        answer.Media[0].RtcpReducedSize.Should().BeFalse();
        answer.Media[1].Codecs.Select(c => (c.PayloadType, c.Name)).Should().Equal((120, "VP8"), (126, "H264"));
        answer.Media[1].Codecs[1].Fmtp.Should().Be("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
        answer.Media[1].RemoteSsrcs.Should().Equal(new RemoteSsrc(2701924815, 1048385629, "{8e9f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b}"));
        answer.Media[1].RtcpReducedSize.Should().BeTrue();
        answer.Remote.Fingerprints.Should().ContainSingle().Which.HashFunction.Should().Be("sha-256");
        answer.Remote.IceUfrag.Should().Be("4f3b2a1c");

        Section(answer.Sdp, 0).Should().NotContain("a=rtcp-rsize");
        Section(answer.Sdp, 1).Should().Contain("a=rtcp-rsize");
        answer.Sdp.Should().Contain("a=group:BUNDLE 0 1\r\n").And.NotContain("a=extmap").And.NotContain("transport-cc");
    }

    [Fact]
    public void Audio_only_offer_gets_an_audio_only_answer()
    {
        var answer = Answer(SdpFixtures.ChromeAudioOnly);

        answer.Media.Should().ContainSingle().Which.Codec!.PayloadType.Should().Be(111);
        answer.Sdp.Should().Contain("a=group:BUNDLE 0\r\n").And.Contain("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n")
            .And.NotContain("m=video").And.NotContain("a=candidate").And.NotContain("end-of-candidates");
        answer.Remote.IceUfrag.Should().Be("aB3d");
    }

    [Fact]
    public void Sendonly_video_is_answered_recvonly_without_our_ssrc_lines()
    {
        var answer = Answer(SdpFixtures.ChromeVideoSendOnly);

        var video = answer.Media.Single();
        video.Direction.Should().Be(MediaDirection.RecvOnly);
        video.RemoteSsrcs.Should().Equal(new RemoteSsrc(100, 101, "c"));
        video.LocalSsrc.Should().Be(2222u);
        answer.Remote.Setup.Should().Be(DtlsSetup.Active);
        var section = Section(answer.Sdp, 0);
        section.Should().Contain("a=recvonly").And.Contain("a=setup:passive").And.Contain("a=mid:v");
        section.Should().NotContain(l => l.StartsWith("a=ssrc", StringComparison.Ordinal) || l.StartsWith("a=msid", StringComparison.Ordinal));
        answer.Sdp.Should().Contain("a=msid-semantic: WMS\r\n").And.Contain("a=group:BUNDLE v\r\n");
    }

    [Theory]
    [InlineData("a=sendrecv", "a=sendrecv", true)]
    [InlineData("a=sendonly", "a=recvonly", false)]
    [InlineData("a=recvonly", "a=sendonly", true)]
    [InlineData("a=inactive", "a=inactive", false)]
    public void Direction_is_the_reverse_of_the_offer(string offered, string answered, bool weSend)
    {
        var offer = SdpFixtures.Replace(SdpFixtures.ChromeAudioVideoData, "a=mid:0\r\n", "a=mid:0\r\n" + offered + "\r\n");
        offer = SdpFixtures.Without(offer, l => l == "a=sendrecv");
        offer = offer.Replace("a=mid:1\r\n", "a=mid:1\r\na=sendrecv\r\n", StringComparison.Ordinal);

        var section = Section(Answer(offer).Sdp, 0);

        section.Should().Contain(answered);
        section.Any(l => l.StartsWith("a=ssrc:1111 ", StringComparison.Ordinal)).Should().Be(weSend);
    }

    [Fact]
    public void Endpoint_policy_limits_the_direction()
    {
        var recvOnlyEndpoint = Answer(SdpFixtures.ChromeAudioVideoData, new SdpAnswerOptions { CanSend = false });
        recvOnlyEndpoint.Media.Take(2).Should().AllSatisfy(m => m.Direction.Should().Be(MediaDirection.RecvOnly));
        recvOnlyEndpoint.Sdp.Should().NotContain("a=ssrc:");

        var sendOnlyEndpoint = Answer(SdpFixtures.ChromeAudioVideoData, new SdpAnswerOptions { CanReceive = false });
        sendOnlyEndpoint.Media.Take(2).Should().AllSatisfy(m => m.Direction.Should().Be(MediaDirection.SendOnly));
    }

    [Fact]
    public void Offer_with_setup_passive_is_an_error_because_we_are_only_a_DTLS_server()
    {
        var offer = SdpFixtures.ChromeAudioVideoData.Replace("a=setup:actpass", "a=setup:passive", StringComparison.Ordinal);

        var build = () => Answer(offer);

        build.Should().Throw<KurentoErrorException>()
            .Where(e => e.Code == KurentoErrorCode.SdpEndPointProcessOffer && e.Message.Contains("only a DTLS server", StringComparison.Ordinal));
    }

    [Fact]
    public void Offer_without_rtcp_mux_is_an_error()
    {
        var offer = SdpFixtures.Without(SdpFixtures.ChromeAudioVideoData, l => l == "a=rtcp-mux");

        var build = () => Answer(offer);

        build.Should().Throw<KurentoErrorException>()
            .Where(e => e.Code == KurentoErrorCode.SdpEndPointProcessOffer && e.Message.Contains("rtcp-mux", StringComparison.Ordinal));
    }

    [Fact]
    public void Audio_without_opus_is_rejected_and_an_offer_with_nothing_acceptable_is_an_error()
    {
        var noOpus = SdpFixtures.Without(SdpFixtures.ChromeAudioVideoData, l => l.StartsWith("a=rtpmap:111 ", StringComparison.Ordinal));
        var answer = Answer(noOpus);
        answer.Media[0].Accepted.Should().BeFalse();
        answer.Media[0].RejectionReason.Should().Contain("opus");
        answer.Media[1].Accepted.Should().BeTrue();
        answer.Sdp.Should().Contain("a=group:BUNDLE 1\r\n").And.Contain("m=audio 0 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n");
        answer.Remote.IceUfrag.Should().Be("Xq2d");

        var nothing = SdpFixtures.Without(SdpFixtures.ChromeAudioOnly.ReplaceLineEndings("\r\n"), l => l.StartsWith("a=rtpmap:111 ", StringComparison.Ordinal));
        var build = () => Answer(nothing);
        build.Should().Throw<KurentoErrorException>()
            .Where(e => e.Code == KurentoErrorCode.SdpEndPointProcessOffer && e.Message.Contains("Nothing in the offer can be accepted", StringComparison.Ordinal)
                && e.Message.Contains("opus", StringComparison.Ordinal));
    }

    [Fact]
    public void A_refusal_quotes_the_offer_shortly_and_lists_only_the_first_few_sections()
    {
        // Its words go back to the call server and from there to both pages: a browser's offer must not come back whole.
        var lines = SdpFixtures.ChromeAudioOnly.ReplaceLineEndings("\r\n").Split("\r\n");
        var head = lines.TakeWhile(l => !l.StartsWith("m=", StringComparison.Ordinal)).Where(l => !l.StartsWith("a=group:", StringComparison.Ordinal));
        var section = lines.SkipWhile(l => !l.StartsWith("m=", StringComparison.Ordinal)).Where(l => l.Length > 0).ToList();
        var offer = string.Join("\r\n", head.Concat(Enumerable.Range(0, 10).SelectMany(i => section.Select(l =>
            l.StartsWith("m=audio ", StringComparison.Ordinal) ? "m=" + new string('y', 2_000) + l["m=audio".Length..]
            : l == "a=mid:0" ? $"a=mid:{new string('z', 2_000)}{i}"
            : l)))) + "\r\n";

        var build = () => Answer(offer);

        var refusal = build.Should().Throw<KurentoErrorException>().Which;
        refusal.Code.Should().Be(KurentoErrorCode.SdpEndPointProcessOffer);
        refusal.Message.Should().Contain("media is not supported").And.Contain("and 6 more").And.NotContain(new string('y', SdpText.MaxQuoted + 1));
        refusal.Message.Length.Should().BeLessThan(600);
    }

    [Theory]
    [InlineData(1_000_000, 0, "x-google-start-bitrate=1000")]
    [InlineData(1_000_000, 300_000, "x-google-start-bitrate=300")]
    [InlineData(0, 0, null)]
    [InlineData(999, 0, null)]
    public void The_video_codecs_carry_the_start_bitrate_at_most_the_cap_and_audio_does_not(long start, long cap, string? expected)
    {
        var answer = Answer(SdpFixtures.ChromeAudioVideoData, new SdpAnswerOptions { AllowH264 = true, VideoStartBitrate = start, MaxVideoBitrate = cap });

        answer.Media[1].Codecs.Single(c => c.Name == "VP8").Fmtp.Should().Be(expected);
        var h264 = answer.Media[1].Codecs.Single(c => c.Name == "H264").Fmtp!;
        if (expected is null)
        {
            h264.Should().NotContain("x-google-start-bitrate");
        }
        else
        {
            h264.Should().EndWith(";" + expected).And.StartWith("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
            Section(answer.Sdp, 1).Should().Contain("a=fmtp:96 " + expected);
        }

        Section(answer.Sdp, 0).Should().NotContain(l => l.Contains("x-google", StringComparison.Ordinal));
    }

    [Fact]
    public void Offer_without_BUNDLE_is_accepted_on_the_same_transport_without_a_group_line()
    {
        var offer = SdpFixtures.Without(SdpFixtures.ChromeAudioVideoData, l => l.StartsWith("a=group:BUNDLE", StringComparison.Ordinal));

        var answer = Answer(offer);

        answer.Bundled.Should().BeFalse();
        answer.Sdp.Should().NotContain("a=group");
        answer.Media.Take(2).Should().AllSatisfy(m => m.Accepted.Should().BeTrue());
        Section(answer.Sdp, 0).Should().Contain("a=ice-ufrag:LoCa1ufrag");
        Section(answer.Sdp, 1).Should().Contain("a=ice-ufrag:LoCa1ufrag");
    }

    [Fact]
    public void A_second_section_of_the_same_kind_and_a_disabled_section_are_rejected()
    {
        var secondAudio = """
            m=audio 9 UDP/TLS/RTP/SAVPF 111
            c=IN IP4 0.0.0.0
            a=ice-ufrag:aB3d
            a=ice-pwd:aaaaBBBBccccDDDDeeeeFFFF
            a=fingerprint:sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33
            a=mid:1
            a=rtcp-mux
            a=rtpmap:111 opus/48000/2
            m=video 0 UDP/TLS/RTP/SAVPF 96
            c=IN IP4 0.0.0.0
            a=mid:2
            a=rtpmap:96 VP8/90000

            """;
        var offer = SdpFixtures.ChromeAudioOnly.Replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1", StringComparison.Ordinal) + secondAudio;

        var answer = Answer(offer);

        answer.Media.Select(m => m.Accepted).Should().Equal(true, false, false);
        answer.Media[1].RejectionReason.Should().Contain("only one audio");
        answer.Media[2].RejectionReason.Should().Contain("port 0");
        answer.Sdp.Should().Contain("a=group:BUNDLE 0\r\n");
    }

    [Fact]
    public void Local_parameters_that_would_break_the_answer_are_refused()
    {
        var offer = SessionDescription.Parse(SdpFixtures.ChromeAudioOnly);

        var badUfrag = () => SdpAnswerBuilder.Build(offer, Local with { IceUfrag = "a b" });
        badUfrag.Should().Throw<ArgumentException>();
        var badTrack = () => SdpAnswerBuilder.Build(offer, Local with { Audio = Local.Audio with { TrackId = "two words" } });
        badTrack.Should().Throw<ArgumentException>();
    }
}
