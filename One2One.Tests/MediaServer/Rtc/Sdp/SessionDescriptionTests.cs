using One2One.MediaServer.Protocol;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Sdp;

namespace One2One.Tests.MediaServer.Rtc.Sdp;

public class SessionDescriptionTests
{
    [Fact]
    public void Chrome_offer_parses_into_sections_codecs_and_transport()
    {
        var offer = SessionDescription.Parse(SdpFixtures.ChromeAudioVideoData);

        offer.Origin.Should().Be("- 4611731400430051336 2 IN IP4 127.0.0.1");
        offer.SessionName.Should().Be("-");
        offer.BundleGroups.Should().ContainSingle().Which.Should().Equal("0", "1", "2");
        offer.MsidSemantic.Should().Be("WMS 3bd4d4c0-0e42-4a3f-9b1f-8b3f0a1c2d3e");
        offer.IceLite.Should().BeFalse();
        offer.Attributes.Should().Contain(new SdpAttribute("extmap-allow-mixed", null));
        offer.Media.Select(m => (m.Index, m.Kind, m.Mid)).Should().Equal(
            (0, MediaKind.Audio, "0"), (1, MediaKind.Video, "1"), (2, MediaKind.Application, "2"));

        var audio = offer.Media[0];
        audio.Port.Should().Be(9);
        audio.Protocol.Should().Be("UDP/TLS/RTP/SAVPF");
        audio.Formats.Should().Equal("111", "63", "9", "0", "8", "13", "110", "126");
        audio.Direction.Should().Be(MediaDirection.SendRecv);
        audio.RtcpMux.Should().BeTrue();
        audio.RtcpReducedSize.Should().BeTrue();
        audio.IceUfrag.Should().Be("Xq2d");
        audio.IcePwd.Should().Be("9Jq3G1J2aM0t6m7Kx0cX1BxH");
        audio.Fingerprints.Should().ContainSingle().Which.Should().Be(DtlsFingerprint.Parse(SdpFixtures.ChromeFingerprint));
        audio.Setup.Should().Be(DtlsSetup.ActPass);
        audio.RtpMaps.Should().HaveCount(8);
        audio.FindRtpMap(111).Should().Be(new RtpMap(111, "opus", 48000, 2));
        audio.FindRtpMap(9).Should().Be(new RtpMap(9, "G722", 8000, 1));
        audio.FindRtpMap(63).Should().Be(new RtpMap(63, "red", 48000, 2));
        audio.FormatParametersOf(111).Should().Be("minptime=10;useinbandfec=1");
        audio.RtcpFeedback.Should().ContainSingle().Which.Should().Be(new RtcpFeedback(111, "transport-cc", null));
        audio.HeaderExtensions.Select(e => e.Id).Should().Equal(1, 2, 3, 4);
        audio.HeaderExtensions[3].Uri.Should().Be("urn:ietf:params:rtp-hdrext:sdes:mid");
        audio.Msid.Should().Be(new MediaStreamId("3bd4d4c0-0e42-4a3f-9b1f-8b3f0a1c2d3e", "0f1e2d3c-aaaa-4bbb-8ccc-111122223333"));
        audio.SsrcAttributes.Should().Equal(
            new SsrcAttribute(1357924680, "cname", "kV3nRzq0+7sT9xYb"),
            new SsrcAttribute(1357924680, "msid", "3bd4d4c0-0e42-4a3f-9b1f-8b3f0a1c2d3e 0f1e2d3c-aaaa-4bbb-8ccc-111122223333"));
        audio.Candidates.Should().BeEmpty();
        audio.EndOfCandidates.Should().BeFalse();

        var video = offer.Media[1];
        video.Formats.Should().HaveCount(25);
        video.FindRtpMap(96).Should().Be(new RtpMap(96, "VP8", 90000, 1));
        video.FindRtpMap(118).Should().Be(new RtpMap(118, "ulpfec", 90000, 1));
        video.FormatParametersOf(106).Should().Be("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
        video.HasFeedback(96, "nack pli").Should().BeTrue();
        video.HasFeedback(96, "ccm fir").Should().BeTrue();
        video.HasFeedback(116, "nack").Should().BeFalse();
        video.SsrcGroups.Should().ContainSingle().Which.Should().BeEquivalentTo(new SsrcGroup("FID", [2468013579, 3692581470]));
        video.HeaderExtensions.Should().HaveCount(11);

        var data = offer.Media[2];
        data.Protocol.Should().Be("UDP/DTLS/SCTP");
        data.Formats.Should().Equal("webrtc-datachannel");
        data.IsRtp.Should().BeFalse();
        data.AttributeValue("sctp-port").Should().Be("5000");
    }

    [Fact]
    public void Firefox_offer_takes_the_session_level_fingerprint_and_keeps_extmap_directions()
    {
        var offer = SessionDescription.Parse(SdpFixtures.FirefoxAudioVideo);

        offer.MsidSemantic.Should().Be("WMS *");
        offer.IceOptions.Should().Equal("trickle");
        var fingerprint = DtlsFingerprint.Parse("sha-256 62:FE:40:7C:1A:0B:9D:3E:55:21:AF:C8:04:7B:E2:91:6D:30:8A:F5:17:C4:B9:02:3A:6E:D1:58:8F:27:CC:40");
        offer.Media.Should().AllSatisfy(m => m.Fingerprints.Should().Equal(fingerprint));
        offer.Media[0].IceUfrag.Should().Be("4f3b2a1c");
        offer.Media[0].HeaderExtensions[1].Should().Be(new HeaderExtensionMap(2, "recvonly", "urn:ietf:params:rtp-hdrext:csrc-audio-level", null));
        offer.Media[0].FindRtpMap(101).Should().Be(new RtpMap(101, "telephone-event", 8000, 1));
        offer.Media[1].FormatParametersOf(120).Should().Be("max-fs=12288;max-fr=60");
        offer.Media[1].SsrcGroups.Should().ContainSingle().Which.Ssrcs.Should().Equal(2701924815u, 1048385629u);
    }

    [Fact]
    public void LF_line_endings_candidates_and_end_of_candidates_are_read()
    {
        SdpFixtures.ChromeAudioOnly.Should().NotContain("\r");

        var offer = SessionDescription.Parse(SdpFixtures.ChromeAudioOnly);

        var audio = offer.Media.Should().ContainSingle().Subject;
        audio.Port.Should().Be(40001);
        audio.Candidates.Should().Equal("candidate:2512830848 1 udp 2122260223 127.0.0.1 40001 typ host generation 0 network-id 1");
        audio.EndOfCandidates.Should().BeTrue();
        IceCandidate.TryParse(audio.Candidates[0], out var candidate, out _).Should().BeTrue();
        candidate!.Port.Should().Be(40001);
    }

    [Fact]
    public void Sendonly_and_setup_active_are_read()
    {
        var video = SessionDescription.Parse(SdpFixtures.ChromeVideoSendOnly).Media.Single();

        video.Direction.Should().Be(MediaDirection.SendOnly);
        video.Setup.Should().Be(DtlsSetup.Active);
        video.Mid.Should().Be("v");
    }

    [Fact]
    public void Direction_defaults_to_sendrecv_and_unknown_attributes_are_kept()
    {
        var sdp = SdpFixtures.Without(SdpFixtures.ChromeVideoSendOnly, line => line == "a=sendonly")
            .Replace("a=mid:v", "a=mid:v\r\na=x-google-flag:conference\r\na=quality:10", StringComparison.Ordinal);

        var video = SessionDescription.Parse(sdp).Media.Single();

        video.Direction.Should().Be(MediaDirection.SendRecv);
        video.AttributeValue("x-google-flag").Should().Be("conference");
        video.AttributeValue("quality").Should().Be("10");
    }

    [Fact]
    public void A_disabled_section_needs_no_transport_attributes()
    {
        var sdp = SdpFixtures.ChromeAudioOnly + "m=video 0 UDP/TLS/RTP/SAVPF 96\nc=IN IP4 0.0.0.0\na=mid:1\n";

        var offer = SessionDescription.Parse(sdp);

        offer.Media[1].IsDisabled.Should().BeTrue();
        offer.Media[1].IceUfrag.Should().BeNull();
    }

    public static TheoryData<string, string, string> MalformedOffers()
    {
        var chrome = SdpFixtures.ChromeAudioVideoData;
        return new()
        {
            { "missing fingerprint", SdpFixtures.Without(chrome, l => l.StartsWith("a=fingerprint", StringComparison.Ordinal)), "no a=fingerprint" },
            { "missing ice-ufrag", SdpFixtures.Without(chrome, l => l.StartsWith("a=ice-ufrag", StringComparison.Ordinal)), "no a=ice-ufrag" },
            { "missing ice-pwd", SdpFixtures.Without(chrome, l => l.StartsWith("a=ice-pwd", StringComparison.Ordinal)), "no a=ice-pwd" },
            { "no m= line", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE\r\n", "no m= line" },
            { "random text", "Hello, this is not a session description at all.", "does not start with v=0" },
            { "binary noise", "v=0\r\n\u0001\u0002\u0003garbage", "is not <type>=<value>" },
            { "empty", "", "empty" },
            { "truncated in a fingerprint", chrome[..chrome.IndexOf("a=fingerprint:", StringComparison.Ordinal)] + "a=fingerprint:sha-256 5A:F1:8", "fingerprint must have 32 hex pairs" },
            { "truncated after the first section header", chrome[..chrome.IndexOf("a=ice-ufrag", StringComparison.Ordinal)], "no a=ice-ufrag" },
            { "unknown hash", chrome.Replace("a=fingerprint:sha-256", "a=fingerprint:sha-257", StringComparison.Ordinal), "not one of sha-1" },
            { "md5 hash", chrome.Replace("a=fingerprint:sha-256", "a=fingerprint:md5", StringComparison.Ordinal), "not one of sha-1" },
            { "bad hex", chrome.Replace("5A:F1:8C", "5A:G1:8C", StringComparison.Ordinal), "malformed hex pair at position 2" },
            { "wrong version", chrome.Replace("v=0", "v=1", StringComparison.Ordinal), "does not start with v=0" },
            { "no o=", SdpFixtures.Without(chrome, l => l.StartsWith("o=", StringComparison.Ordinal)), "no o= line" },
            { "short o=", chrome.Replace("o=- 4611731400430051336 2 IN IP4 127.0.0.1", "o=- 1 2", StringComparison.Ordinal), "o= must have 6 fields" },
            { "no s=", SdpFixtures.Without(chrome, l => l.StartsWith("s=", StringComparison.Ordinal)), "no s= line" },
            { "bad setup", chrome.Replace("a=setup:actpass", "a=setup:server", StringComparison.Ordinal), "a=setup must be" },
            { "short ice-pwd", chrome.Replace("a=ice-pwd:9Jq3G1J2aM0t6m7Kx0cX1BxH", "a=ice-pwd:short", StringComparison.Ordinal), "a=ice-pwd must be" },
            { "bad rtpmap", chrome.Replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus", StringComparison.Ordinal), "a=rtpmap must be" },
            { "rtpmap pt out of range", chrome.Replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:300 opus/48000/2", StringComparison.Ordinal), "a=rtpmap must be" },
            { "bad ssrc", chrome.Replace("a=ssrc:1357924680 cname", "a=ssrc:99999999999 cname", StringComparison.Ordinal), "32-bit ssrc" },
            { "bad ssrc-group", chrome.Replace("a=ssrc-group:FID 2468013579 3692581470", "a=ssrc-group:FID 2468013579", StringComparison.Ordinal), "exactly two ssrcs" },
            { "bad m= port", chrome.Replace("m=audio 9 ", "m=audio 99999 ", StringComparison.Ordinal), "m= port" },
            { "short m= line", chrome.Replace("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "m=application 9", StringComparison.Ordinal), "m= must be" },
            { "bundle names an unknown mid", chrome.Replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1 2 7", StringComparison.Ordinal), "mid '7'" },
            { "duplicate mid", chrome.Replace("a=mid:1", "a=mid:0", StringComparison.Ordinal), "mid is used twice" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedOffers))]
    public void Malformed_offers_are_refused_with_a_clear_reason(string what, string sdp, string reason)
    {
        SessionDescription.TryParse(sdp, out var description, out var error).Should().BeFalse(what);
        description.Should().BeNull();
        error.Should().Contain(reason, what);

        var parse = () => SessionDescription.Parse(sdp);
        parse.Should().Throw<KurentoErrorException>()
            .Where(e => e.Code == KurentoErrorCode.SdpParseError && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Absurd_sizes_are_refused_before_parsing()
    {
        var huge = SdpFixtures.ChromeAudioVideoData + string.Concat(Enumerable.Repeat("a=x-padding:" + new string('x', 1000) + "\r\n", 70));
        SessionDescription.TryParse(huge, out _, out var error).Should().BeFalse();
        error.Should().Contain("64 KiB");

        var manyLines = SdpFixtures.ChromeAudioOnly + string.Concat(Enumerable.Repeat("a=x\n", 5000));
        SessionDescription.TryParse(manyLines, out _, out error).Should().BeFalse();
        error.Should().Contain("4096 lines");

        var section = "m=audio 0 UDP/TLS/RTP/SAVPF 0\nc=IN IP4 0.0.0.0\n";
        var manySections = SdpFixtures.ChromeAudioOnly + string.Concat(Enumerable.Repeat(section, 64));
        SessionDescription.TryParse(manySections, out _, out error).Should().BeFalse();
        error.Should().Contain("64 m= lines");
    }

    [Fact]
    public void Null_is_refused()
    {
        SessionDescription.TryParse(null, out _, out var error).Should().BeFalse();
        error.Should().Contain("empty");
    }
}
