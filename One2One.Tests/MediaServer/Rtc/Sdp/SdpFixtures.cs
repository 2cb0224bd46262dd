namespace One2One.Tests.MediaServer.Rtc.Sdp;

/// <summary>Offers as browsers write them (shapes taken from Chromium 120+ and Firefox 120+ createOffer output).</summary>
internal static class SdpFixtures
{
    public const string ChromeFingerprint =
        "sha-256 5A:F1:8C:27:9E:0D:61:3B:AA:42:7C:D5:10:E8:93:4F:2B:C6:77:01:9A:3E:58:D4:B2:6F:0C:81:E5:29:47:BD";

    /// <summary>Chromium unified plan: audio + video + data channel, BUNDLE, extmaps, rtx/red/ulpfec, ssrc-group FID, no candidates.</summary>
    public static readonly string ChromeAudioVideoData = Crlf($"""
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1 2
        a=extmap-allow-mixed
        a=msid-semantic: WMS 3bd4d4c0-0e42-4a3f-9b1f-8b3f0a1c2d3e
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Xq2d
        a=ice-pwd:9Jq3G1J2aM0t6m7Kx0cX1BxH
        a=ice-options:trickle
        a=fingerprint:{ChromeFingerprint}
        a=setup:actpass
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendrecv
        a=msid:3bd4d4c0-0e42-4a3f-9b1f-8b3f0a1c2d3e 0f1e2d3c-aaaa-4bbb-8ccc-111122223333
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        a=ssrc:1357924680 cname:kV3nRzq0+7sT9xYb
        a=ssrc:1357924680 msid:3bd4d4c0-0e42-4a3f-9b1f-8b3f0a1c2d3e 0f1e2d3c-aaaa-4bbb-8ccc-111122223333
        m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125 39 40 45 46 98 99 100 101 112 113 116 117 118
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Xq2d
        a=ice-pwd:9Jq3G1J2aM0t6m7Kx0cX1BxH
        a=ice-options:trickle
        a=fingerprint:{ChromeFingerprint}
        a=setup:actpass
        a=mid:1
        a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:13 urn:3gpp:video-orientation
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
        a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
        a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
        a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
        a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
        a=sendrecv
        a=msid:3bd4d4c0-0e42-4a3f-9b1f-8b3f0a1c2d3e 9a8b7c6d-1111-4222-9333-444455556666
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 transport-cc
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=rtpmap:102 H264/90000
        a=rtcp-fb:102 goog-remb
        a=rtcp-fb:102 transport-cc
        a=rtcp-fb:102 ccm fir
        a=rtcp-fb:102 nack
        a=rtcp-fb:102 nack pli
        a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
        a=rtpmap:103 rtx/90000
        a=fmtp:103 apt=102
        a=rtpmap:104 H264/90000
        a=rtcp-fb:104 goog-remb
        a=rtcp-fb:104 transport-cc
        a=rtcp-fb:104 ccm fir
        a=rtcp-fb:104 nack
        a=rtcp-fb:104 nack pli
        a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
        a=rtpmap:105 rtx/90000
        a=fmtp:105 apt=104
        a=rtpmap:106 H264/90000
        a=rtcp-fb:106 goog-remb
        a=rtcp-fb:106 transport-cc
        a=rtcp-fb:106 ccm fir
        a=rtcp-fb:106 nack
        a=rtcp-fb:106 nack pli
        a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
        a=rtpmap:107 rtx/90000
        a=fmtp:107 apt=106
        a=rtpmap:108 H264/90000
        a=rtcp-fb:108 goog-remb
        a=rtcp-fb:108 transport-cc
        a=rtcp-fb:108 ccm fir
        a=rtcp-fb:108 nack
        a=rtcp-fb:108 nack pli
        a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
        a=rtpmap:109 rtx/90000
        a=fmtp:109 apt=108
        a=rtpmap:127 H264/90000
        a=rtcp-fb:127 goog-remb
        a=rtcp-fb:127 transport-cc
        a=rtcp-fb:127 ccm fir
        a=rtcp-fb:127 nack
        a=rtcp-fb:127 nack pli
        a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
        a=rtpmap:125 rtx/90000
        a=fmtp:125 apt=127
        a=rtpmap:39 H264/90000
        a=rtcp-fb:39 goog-remb
        a=rtcp-fb:39 transport-cc
        a=rtcp-fb:39 ccm fir
        a=rtcp-fb:39 nack
        a=rtcp-fb:39 nack pli
        a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f
        a=rtpmap:40 rtx/90000
        a=fmtp:40 apt=39
        a=rtpmap:45 AV1/90000
        a=rtcp-fb:45 goog-remb
        a=rtcp-fb:45 transport-cc
        a=rtcp-fb:45 ccm fir
        a=rtcp-fb:45 nack
        a=rtcp-fb:45 nack pli
        a=fmtp:45 level-idx=5;profile=0;tier=0
        a=rtpmap:46 rtx/90000
        a=fmtp:46 apt=45
        a=rtpmap:98 VP9/90000
        a=rtcp-fb:98 goog-remb
        a=rtcp-fb:98 transport-cc
        a=rtcp-fb:98 ccm fir
        a=rtcp-fb:98 nack
        a=rtcp-fb:98 nack pli
        a=fmtp:98 profile-id=0
        a=rtpmap:99 rtx/90000
        a=fmtp:99 apt=98
        a=rtpmap:100 VP9/90000
        a=rtcp-fb:100 goog-remb
        a=rtcp-fb:100 transport-cc
        a=rtcp-fb:100 ccm fir
        a=rtcp-fb:100 nack
        a=rtcp-fb:100 nack pli
        a=fmtp:100 profile-id=2
        a=rtpmap:101 rtx/90000
        a=fmtp:101 apt=100
        a=rtpmap:112 H264/90000
        a=rtcp-fb:112 goog-remb
        a=rtcp-fb:112 transport-cc
        a=rtcp-fb:112 ccm fir
        a=rtcp-fb:112 nack
        a=rtcp-fb:112 nack pli
        a=fmtp:112 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f
        a=rtpmap:113 rtx/90000
        a=fmtp:113 apt=112
        a=rtpmap:116 red/90000
        a=rtpmap:117 rtx/90000
        a=fmtp:117 apt=116
        a=rtpmap:118 ulpfec/90000
        a=ssrc-group:FID 2468013579 3692581470
        a=ssrc:2468013579 cname:kV3nRzq0+7sT9xYb
        a=ssrc:2468013579 msid:3bd4d4c0-0e42-4a3f-9b1f-8b3f0a1c2d3e 9a8b7c6d-1111-4222-9333-444455556666
        a=ssrc:3692581470 cname:kV3nRzq0+7sT9xYb
        a=ssrc:3692581470 msid:3bd4d4c0-0e42-4a3f-9b1f-8b3f0a1c2d3e 9a8b7c6d-1111-4222-9333-444455556666
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 0.0.0.0
        a=ice-ufrag:Xq2d
        a=ice-pwd:9Jq3G1J2aM0t6m7Kx0cX1BxH
        a=ice-options:trickle
        a=fingerprint:{ChromeFingerprint}
        a=setup:actpass
        a=mid:2
        a=sctp-port:5000
        a=max-message-size:262144

        """);

    /// <summary>Firefox: session-level fingerprint, "msid-semantic:WMS *", extmap directions, ssrc-group FID, trickle.</summary>
    public static readonly string FirefoxAudioVideo = Crlf("""
        v=0
        o=mozilla...THIS_IS_SDPARTA-99.0 7180146005616471392 0 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=fingerprint:sha-256 62:FE:40:7C:1A:0B:9D:3E:55:21:AF:C8:04:7B:E2:91:6D:30:8A:F5:17:C4:B9:02:3A:6E:D1:58:8F:27:CC:40
        a=group:BUNDLE 0 1
        a=ice-options:trickle
        a=msid-semantic:WMS *
        m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101
        c=IN IP4 0.0.0.0
        a=sendrecv
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level
        a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
        a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1
        a=fmtp:101 0-15
        a=ice-pwd:b1c63f8e1a9d6f2e4c7a0b3d5e8f1a2c
        a=ice-ufrag:4f3b2a1c
        a=mid:0
        a=msid:{5b0c6f3e-8a1d-4e2f-9c3b-7d6e5f4a3b2c} {1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d}
        a=rtcp-mux
        a=rtpmap:109 opus/48000/2
        a=rtpmap:9 G722/8000/1
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000/1
        a=setup:actpass
        a=ssrc:3284366935 cname:{8e9f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b}
        m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98 123 122 119
        c=IN IP4 0.0.0.0
        a=sendrecv
        a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:5 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
        a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1
        a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1
        a=fmtp:120 max-fs=12288;max-fr=60
        a=fmtp:124 apt=120
        a=fmtp:121 max-fs=12288;max-fr=60
        a=fmtp:125 apt=121
        a=fmtp:127 apt=126
        a=fmtp:98 apt=97
        a=fmtp:119 apt=122
        a=ice-pwd:b1c63f8e1a9d6f2e4c7a0b3d5e8f1a2c
        a=ice-ufrag:4f3b2a1c
        a=mid:1
        a=msid:{5b0c6f3e-8a1d-4e2f-9c3b-7d6e5f4a3b2c} {7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918}
        a=rtcp-fb:120 nack
        a=rtcp-fb:120 nack pli
        a=rtcp-fb:120 ccm fir
        a=rtcp-fb:120 goog-remb
        a=rtcp-fb:120 transport-cc
        a=rtcp-fb:121 nack
        a=rtcp-fb:121 nack pli
        a=rtcp-fb:121 ccm fir
        a=rtcp-fb:121 goog-remb
        a=rtcp-fb:121 transport-cc
        a=rtcp-fb:126 nack
        a=rtcp-fb:126 nack pli
        a=rtcp-fb:126 ccm fir
        a=rtcp-fb:126 goog-remb
        a=rtcp-fb:126 transport-cc
        a=rtcp-fb:97 nack
        a=rtcp-fb:97 nack pli
        a=rtcp-fb:97 ccm fir
        a=rtcp-fb:97 goog-remb
        a=rtcp-fb:97 transport-cc
        a=rtcp-fb:123 nack
        a=rtcp-fb:123 nack pli
        a=rtcp-fb:123 ccm fir
        a=rtcp-fb:123 goog-remb
        a=rtcp-fb:123 transport-cc
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:120 VP8/90000
        a=rtpmap:124 rtx/90000
        a=rtpmap:121 VP9/90000
        a=rtpmap:125 rtx/90000
        a=rtpmap:126 H264/90000
        a=rtpmap:127 rtx/90000
        a=rtpmap:97 H264/90000
        a=rtpmap:98 rtx/90000
        a=rtpmap:123 ulpfec/90000
        a=rtpmap:122 red/90000
        a=rtpmap:119 rtx/90000
        a=setup:actpass
        a=ssrc:2701924815 cname:{8e9f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b}
        a=ssrc:1048385629 cname:{8e9f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b}
        a=ssrc-group:FID 2701924815 1048385629

        """);

    /// <summary>Chromium, audio only, with a trickled-in host candidate and end-of-candidates; LF line endings.</summary>
    public static readonly string ChromeAudioOnly = $"""
        v=0
        o=- 817373474723474721 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=extmap-allow-mixed
        a=msid-semantic: WMS stream-a
        m=audio 40001 UDP/TLS/RTP/SAVPF 111 9 0 8
        c=IN IP4 127.0.0.1
        a=rtcp:9 IN IP4 0.0.0.0
        a=candidate:2512830848 1 udp 2122260223 127.0.0.1 40001 typ host generation 0 network-id 1
        a=end-of-candidates
        a=ice-ufrag:aB3d
        a=ice-pwd:aaaaBBBBccccDDDDeeeeFFFF
        a=fingerprint:{ChromeFingerprint}
        a=setup:actpass
        a=mid:0
        a=sendrecv
        a=msid:stream-a track-a
        a=rtcp-mux
        a=rtpmap:111 opus/48000/2
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=ssrc:11111111 cname:cnameA
        a=ssrc:11111111 msid:stream-a track-a

        """;

    /// <summary>Chromium, video only, sendonly (a screen share or a camera with no receiver); setup active.</summary>
    public static readonly string ChromeVideoSendOnly = Crlf($"""
        v=0
        o=- 5555 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE v
        a=msid-semantic: WMS s
        m=video 9 UDP/TLS/RTP/SAVPF 96 97 106 107
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Vv11
        a=ice-pwd:VVVVvvvvWWWWwwwwXXXXxxxx
        a=fingerprint:{ChromeFingerprint}
        a=setup:active
        a=mid:v
        a=sendonly
        a=msid:s t
        a=rtcp-mux
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=rtpmap:106 H264/90000
        a=rtcp-fb:106 nack
        a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
        a=rtpmap:107 rtx/90000
        a=fmtp:107 apt=106
        a=ssrc-group:FID 100 101
        a=ssrc:100 cname:c
        a=ssrc:101 cname:c

        """);

    /// <summary>Recorded from Debian's Chromium 156 (fake camera and microphone, plus a data channel): createOffer as is.</summary>
    public static readonly string RecordedChromium156 = Crlf(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "chromium-156-offer.sdp")));

    public static string Crlf(string text) => text.ReplaceLineEndings("\r\n");

    /// <summary>The offer with every line for which <paramref name="drop"/> is true removed.</summary>
    public static string Without(string sdp, Func<string, bool> drop) =>
        string.Join("\r\n", sdp.Split("\r\n").Where(line => !drop(line)));

    public static string Replace(string sdp, string oldValue, string newValue)
    {
        sdp.Should().Contain(oldValue);
        return sdp.Replace(oldValue, newValue, StringComparison.Ordinal);
    }
}
