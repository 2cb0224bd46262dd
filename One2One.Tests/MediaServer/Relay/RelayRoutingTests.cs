using Microsoft.Extensions.Logging.Abstractions;
using One2One.MediaServer.Elements;
using One2One.MediaServer.Relay;
using One2One.Tests.MediaServer.Relay.Support;
using One2One.Tests.MediaServer.Rtc.Sdp;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// Which packets go where: loopback, kinds that are not connected, payload types that were not negotiated, disconnect
/// (a sink switched to another source: <see cref="RelaySourceChangeTests"/>). "Not relayed" is shown with a packet sent
/// after it on the same path (same socket, same receive loop) arriving first.
/// </summary>
public sealed class RelayRoutingTests : IAsyncLifetime
{
    private readonly RelayRig _rig = RelayRig.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task In_loopback_a_browsers_media_comes_back_with_its_endpoints_announced_ssrcs()
    {
        var a = await _rig.ConnectAsync(new SimulatedBrowser(opusPayloadType: 121, vp8PayloadType: 122));
        a.Session.AddSink(a.Session, KurentoMediaType.Audio);
        a.Session.AddSink(a.Session, KurentoMediaType.Video);

        var audio = a.Browser.SendRtp(KurentoMediaType.Audio, 100, 4800, false, new byte[] { 1, 2, 3, 4, 5 });
        var video = a.Browser.SendRtp(KurentoMediaType.Video, 200, 9000, true, new byte[] { 6, 7, 8 });

        var first = await a.Browser.NextRtpAsync();
        var second = await a.Browser.NextRtpAsync();
        first.Ssrc.Should().Be(a.OutgoingSsrc(KurentoMediaType.Audio));
        first.PayloadType.Should().Be(121);
        first.AfterFixedHeader.Should().Equal(audio[12..]);
        first.SequenceNumber.Should().Be(100);
        second.Ssrc.Should().Be(a.OutgoingSsrc(KurentoMediaType.Video));
        second.PayloadType.Should().Be(122);
        second.Marker.Should().BeTrue();
        second.AfterFixedHeader.Should().Equal(video[12..]);
    }

    [Fact]
    public async Task A_kind_that_is_not_connected_is_not_relayed()
    {
        var a = await _rig.ConnectAsync();
        var b = await _rig.ConnectAsync();
        a.Session.AddSink(b.Session, KurentoMediaType.Audio);

        a.Browser.SendRtp(KurentoMediaType.Video, 1, 0, true, new byte[100]);
        a.Browser.SendRtp(KurentoMediaType.Audio, 2, 0, false, new byte[10]);

        (await b.Browser.NextRtpAsync()).Ssrc.Should().Be(b.OutgoingSsrc(KurentoMediaType.Audio), "the video before it was not relayed");
        await One2One.Tests.Support.Eventually.TrueAsync(() => a.Session.IsMediaFlowingIn(KurentoMediaType.Video), "the video was received all the same");
    }

    [Fact]
    public async Task A_sink_whose_browser_only_sends_video_gets_no_video()
    {
        var sendsVideoOnly = new SimulatedBrowser { EditOffer = sdp => VideoDirection(sdp, "a=sendonly") };
        var (a, b) = await _rig.CallAsync(b: sendsVideoOnly);
        b.Browser.Answer!.VideoSsrc.Should().Be(0, "the endpoint sends no video to a browser that only sends it");

        a.Browser.SendRtp(KurentoMediaType.Video, 1, 0, true, new byte[100]);
        a.Browser.SendRtp(KurentoMediaType.Audio, 2, 0, false, new byte[10]);
        b.Browser.SendRtp(KurentoMediaType.Video, 3, 0, true, new byte[100]);

        (await b.Browser.NextRtpAsync()).SequenceNumber.Should().Be(2, "A's video before it had nowhere to go");
        var fromB = await a.Browser.NextRtpAsync();
        fromB.SequenceNumber.Should().Be(3, "B's browser still sends video to A");
        fromB.Ssrc.Should().Be(a.OutgoingSsrc(KurentoMediaType.Video));
    }

    [Fact]
    public async Task A_payload_type_that_was_not_negotiated_is_dropped_and_counted()
    {
        var (a, b) = await _rig.CallAsync();

        a.Browser.SendRtp(KurentoMediaType.Audio, 1, 0, false, new byte[10], payloadType: 77);
        a.Browser.SendRtp(KurentoMediaType.Video, 2, 0, false, new byte[10], payloadType: 97); // rtx: offered, not answered
        a.Browser.SendRtp(KurentoMediaType.Audio, 3, 0, false, new byte[10]);

        var next = await b.Browser.NextRtpAsync();
        next.SequenceNumber.Should().Be(3, "the two packets before it carried payload types the answer did not accept");
        a.Session.UnroutablePackets.Should().Be(2);
    }

    [Fact]
    public async Task Disconnecting_a_kind_stops_its_flow_and_reconnecting_restarts_it()
    {
        var (a, b) = await _rig.CallAsync();
        a.Browser.SendRtp(KurentoMediaType.Video, 1, 0, true, new byte[50]);
        (await b.Browser.NextRtpAsync()).SequenceNumber.Should().Be(1);

        a.Session.RemoveSink(b.Session, KurentoMediaType.Video);
        a.Browser.SendRtp(KurentoMediaType.Video, 2, 0, true, new byte[50]);
        a.Browser.SendRtp(KurentoMediaType.Audio, 3, 0, false, new byte[10]);
        (await b.Browser.NextRtpAsync()).SequenceNumber.Should().Be(3, "video 2 was sent after the disconnect");

        a.Session.AddSink(b.Session, KurentoMediaType.Video);
        a.Browser.SendRtp(KurentoMediaType.Video, 4, 0, true, new byte[50]);
        var again = await b.Browser.NextRtpAsync();
        again.SequenceNumber.Should().Be(4);
        again.Ssrc.Should().Be(b.OutgoingSsrc(KurentoMediaType.Video));
    }

    [Fact]
    public async Task A_released_endpoint_is_taken_out_of_the_graph_and_its_socket_closed()
    {
        var (a, b) = await _rig.CallAsync();
        var sockets = _rig.Factory.OpenSocketCount;
        var failedBefore = a.Session.Transport.Counters.SendFailed;

        await a.Session.DisposeAsync();
        b.Session.AddSink(b.Session, KurentoMediaType.Audio);
        b.Browser.SendRtp(KurentoMediaType.Audio, 1, 0, false, new byte[10]);
        b.Browser.SendRtp(KurentoMediaType.Audio, 2, 0, false, new byte[10]);

        (await b.Browser.NextRtpAsync()).SequenceNumber.Should().Be(1);
        (await b.Browser.NextRtpAsync()).SequenceNumber.Should().Be(2);
        a.Session.Transport.Counters.SendFailed.Should().Be(failedBefore, "nothing was routed to the released endpoint");
        _rig.Factory.OpenSocketCount.Should().Be(sockets - 1);
    }

    [Fact]
    public async Task Releasing_an_endpoint_tells_its_browser_with_a_dtls_close_notify()
    {
        var a = await _rig.ConnectAsync();

        await a.Session.DisposeAsync();

        (await a.Browser.ReceivesCloseNotifyAsync()).Should().BeTrue("the release is announced before the socket closes");
        a.Session.Transport.Counters.SendFailed.Should().Be(0);
    }

    /// <summary>The offer with its video section's direction replaced.</summary>
    private static string VideoDirection(string sdp, string direction)
    {
        var video = sdp.IndexOf("m=video", StringComparison.Ordinal);
        return sdp[..video] + SdpFixtures.Replace(sdp[video..], "a=sendrecv", direction);
    }
}
