using One2One.MediaServer.Elements;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Rtp;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// An endpoint's maxVideoRecvBandwidth (KMS's SdpEndpoint property, which the call server sets from
/// MediaServer:MaxVideoBitrate): its answer asks its browser to stay under it, and every REMB relayed to that browser
/// is lowered to it; with a server-wide MediaServer:MaxVideoBitrate as well, the lower of the two holds.
/// </summary>
public sealed class RelayVideoCapTests
{
    [Fact]
    public async Task The_answer_of_an_endpoint_with_maxVideoRecvBandwidth_carries_it_on_the_video_section()
    {
        await using var rig = RelayRig.Create();
        var (session, _) = rig.CreateSession();
        session.SetMaxVideoRecvBandwidth(250);

        var answer = session.ProcessOffer(new SimulatedBrowser().OfferSdp);

        var video = answer[answer.IndexOf("m=video", StringComparison.Ordinal)..];
        video.Should().Contain("b=AS:250\r\n").And.Contain("b=TIAS:250000\r\n");
        answer[..answer.IndexOf("m=video", StringComparison.Ordinal)].Should().NotContain("b=AS", "audio is not capped");
    }

    [Fact]
    public async Task With_a_server_wide_cap_too_the_lower_of_the_two_is_in_the_answer()
    {
        await using var rig = RelayRig.Create(o => o.MaxVideoBitrate = 150_000);
        var (capped, _) = rig.CreateSession();
        capped.SetMaxVideoRecvBandwidth(300);
        var (lower, _) = rig.CreateSession();
        lower.SetMaxVideoRecvBandwidth(100);

        capped.ProcessOffer(new SimulatedBrowser().OfferSdp).Should().Contain("b=AS:150\r\n");
        lower.ProcessOffer(new SimulatedBrowser().OfferSdp).Should().Contain("b=AS:100\r\n");
    }

    [Fact]
    public async Task A_remb_relayed_to_a_capped_sender_is_lowered_to_its_cap_and_one_to_an_uncapped_sender_is_not()
    {
        await using var rig = RelayRig.Create();
        var (a, b) = await rig.CallAsync();
        await a.Browser.NextRtcpWithAsync(p => p.IsPli, "the keyframe request of the connection");
        await b.Browser.NextRtcpWithAsync(p => p.IsPli, "the keyframe request of the connection");
        a.Session.SetMaxVideoRecvBandwidth(200);

        b.Browser.SendRtcp(RtcpTestPackets.Remb(b.Browser.Offer.VideoSsrc, 3, 125_000, b.OutgoingSsrc(KurentoMediaType.Video)));
        a.Browser.SendRtcp(RtcpTestPackets.Remb(a.Browser.Offer.VideoSsrc, 3, 125_000, a.OutgoingSsrc(KurentoMediaType.Video)));

        var toA = await a.Browser.NextRtcpWithAsync(p => p.IsRemb, "for B's REMB");
        toA.RembBitrate.Should().BeLessThanOrEqualTo(200_000, "A's endpoint may receive 200 kbps of video").And.BeGreaterThan(190_000);
        var toB = await b.Browser.NextRtcpWithAsync(p => p.IsRemb, "for A's REMB");
        toB.RembBitrate.Should().BeGreaterThanOrEqualTo(990_000, "B's endpoint has no cap");
    }
}
