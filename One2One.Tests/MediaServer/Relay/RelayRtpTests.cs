using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Srtp;
using One2One.Tests.MediaServer.Relay.Support;

namespace One2One.Tests.MediaServer.Relay;

/// <summary>
/// What the relay does to RTP between two simulated browsers over real UDP: each sink gets the packets with its own
/// endpoint's announced SSRC and its browser's payload type for the codec; everything else is untouched.
/// </summary>
public sealed class RelayRtpTests : IAsyncLifetime
{
    // B numbers opus and VP8 differently from A (and negotiates another SRTP profile) to prove the mapping.
    private const byte BOpus = 121;
    private const byte BVp8 = 122;

    private readonly RelayRig _rig = RelayRig.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Rtp_from_A_reaches_B_with_Bs_ssrc_and_payload_type_and_nothing_else_changed()
    {
        var (a, b) = await _rig.CallAsync(
            new SimulatedBrowser(srtpProfiles: SrtpProfile.AeadAes128Gcm),
            new SimulatedBrowser(BOpus, BVp8, SrtpProfile.AesCm128HmacSha1_80));
        a.Browser.Profile.Should().Be(SrtpProfile.AeadAes128Gcm);
        b.Browser.Profile.Should().Be(SrtpProfile.AesCm128HmacSha1_80);

        var sent = new List<(KurentoMediaType Kind, byte[] Rtp)>();
        for (var i = 0; i < 10; i++)
        {
            var kind = i % 3 == 0 ? KurentoMediaType.Video : KurentoMediaType.Audio;
            var payload = RandomPayload(20 + (i * 37));
            sent.Add((kind, a.Browser.SendRtp(kind, (ushort)(65530 + i), 0xFFFF_FF00u + (uint)(i * 960), marker: i % 2 == 0, payload)));
        }

        foreach (var (kind, rtp) in sent)
        {
            var received = await b.Browser.NextRtpAsync($"for {kind} packet {Describe(rtp)}");
            received.Ssrc.Should().Be(b.OutgoingSsrc(kind), "B's endpoint announced this SSRC for {0} in its answer", kind);
            received.PayloadType.Should().Be(kind == KurentoMediaType.Audio ? BOpus : BVp8, "B's browser numbers the codec so");
            ShouldBeUnchangedApartFromSsrcAndPayloadType(received, rtp);
        }
    }

    [Fact]
    public async Task Rtp_from_B_reaches_A_with_As_ssrc_and_payload_type()
    {
        var (a, b) = await _rig.CallAsync(new SimulatedBrowser(), new SimulatedBrowser(BOpus, BVp8, SrtpProfile.AesCm128HmacSha1_80));

        var audio = b.Browser.SendRtp(KurentoMediaType.Audio, 7, 48_000, marker: false, RandomPayload(80));
        var video = b.Browser.SendRtp(KurentoMediaType.Video, 9, 90_000, marker: true, RandomPayload(1100));

        var first = await a.Browser.NextRtpAsync("for B's audio");
        var second = await a.Browser.NextRtpAsync("for B's video");
        first.Ssrc.Should().Be(a.OutgoingSsrc(KurentoMediaType.Audio));
        first.PayloadType.Should().Be(BrowserOffer.ChromiumOpus);
        ShouldBeUnchangedApartFromSsrcAndPayloadType(first, audio);
        second.Ssrc.Should().Be(a.OutgoingSsrc(KurentoMediaType.Video));
        second.PayloadType.Should().Be(BrowserOffer.ChromiumVp8);
        ShouldBeUnchangedApartFromSsrcAndPayloadType(second, video);
    }

    private static void ShouldBeUnchangedApartFromSsrcAndPayloadType(ReceivedRtp received, byte[] sent)
    {
        var expected = (byte[])sent.Clone();
        expected[1] = (byte)((sent[1] & 0x80) | received.PayloadType);
        received.Packet.AsSpan(8, 4).CopyTo(expected.AsSpan(8, 4));
        received.Packet.Should().Equal(expected, "sequence number, timestamp, marker, extension and payload pass unchanged");
    }

    private static string Describe(byte[] rtp) => new ReceivedRtp(rtp).ToString();

    private static byte[] RandomPayload(int length)
    {
        var payload = new byte[length];
        Random.Shared.NextBytes(payload);
        return payload;
    }
}
