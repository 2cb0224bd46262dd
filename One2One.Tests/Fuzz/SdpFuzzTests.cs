using One2One.MediaServer.Protocol;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Sdp;
using One2One.Tests.Fuzz.Support;
using One2One.Tests.MediaServer.Rtc.Sdp;

using One2One.Tests.Support;

namespace One2One.Tests.Fuzz;

/// <summary>
/// Mutated browser offers and candidates through the SDP parser, the answer builder and the candidate parser:
/// they are parsed or refused with a reason, never throw anything else, and what we write parses again.
/// </summary>
[Trait("Category", "Fuzz")]
[Collection(CpuHeavyCollection.Name)]
public sealed class SdpFuzzTests
{
    private static readonly string[] Offers =
    [
        SdpFixtures.RecordedChromium156, SdpFixtures.ChromeAudioVideoData, SdpFixtures.FirefoxAudioVideo, SdpFixtures.ChromeVideoSendOnly,
        SdpFixtures.ChromeAudioOnly,
    ];

    private static readonly string[] Candidates =
    [
        "candidate:2512830848 1 udp 2122260223 10.0.0.5 51875 typ host generation 0 ufrag Xq2d network-id 1 network-cost 10",
        "candidate:842163049 1 udp 1677729535 203.0.113.7 61004 typ srflx raddr 192.168.1.20 rport 61004 generation 0 ufrag Xq2d network-cost 999",
        "candidate:1 1 tcp 1518280447 192.168.1.2 9 typ host tcptype active generation 0",
        "candidate:3 1 UDP 2122262783 2001:db8::1 50000 typ host",
        "candidate:4 1 udp 2122260223 6f1d5a2e-3b4c-4d5e-8f9a-0b1c2d3e4f5a.local 54321 typ host",
        "a=candidate:5 1 udp 41885439 198.51.100.9 3478 typ relay raddr 0.0.0.0 rport 0",
    ];

    private static readonly LocalTransportParameters Local = new(
        "LoCa1ufrag",
        "LocalPasswordOf24Chars12",
        DtlsCertificate.Shared.Fingerprint,
        new LocalStreamIdentity(1111, "relay-cname", "relay-stream", "relay-audio"),
        new LocalStreamIdentity(2222, "relay-cname", "relay-stream", "relay-video"));

    [Fact]
    public void Mutated_offers_are_parsed_or_refused_and_every_answer_parses_again()
    {
        FuzzRun.Text("SDP offer", Offers, TextFormats.Sdp, text =>
        {
            if (!SessionDescription.TryParse(text, out var offer, out var error))
            {
                offer.Should().BeNull();
                error.Should().NotBeNullOrWhiteSpace();
                FluentActions.Invoking(() => SessionDescription.Parse(text)).Should().Throw<KurentoErrorException>()
                    .Which.Code.Should().Be(KurentoErrorCode.SdpParseError);
                return;
            }

            foreach (var options in (SdpAnswerOptions[])[new(), new() { AllowH264 = true }, new() { CanSend = false }])
            {
                AnswerParsesAgain(offer!, options);
            }
        }, FuzzRun.Settings(ciIterations: 3_000));
    }

    [Fact]
    public void Mutated_candidates_are_parsed_or_refused_and_a_parsed_one_formats_back_to_itself()
    {
        FuzzRun.Text("ICE candidate", Candidates, TextFormats.Sdp, text =>
        {
            if (!IceCandidate.TryParse(text, out var candidate, out var error))
            {
                candidate.Should().BeNull();
                error.Should().NotBeNullOrWhiteSpace();
                return;
            }

            _ = (candidate!.IPAddress, candidate.Generation, candidate.Ufrag, candidate.IsUdp, candidate.IsTcp);
            var written = candidate.ToString();
            IceCandidate.TryParse(written, out var again, out var againError).Should().BeTrue(againError);
            again!.ToString().Should().Be(written);
        }, FuzzRun.Settings(ciIterations: 5_000));
    }

    private static void AnswerParsesAgain(SessionDescription offer, SdpAnswerOptions options)
    {
        SdpAnswer answer;
        try
        {
            answer = SdpAnswerBuilder.Build(offer, Local, options);
        }
        catch (KurentoErrorException e) when (e.Code == KurentoErrorCode.SdpEndPointProcessOffer)
        {
            return;
        }

        SessionDescription.TryParse(answer.Sdp, out var parsed, out var error).Should().BeTrue($"our answer must parse: {error}\n{answer.Sdp}");
        parsed!.Media.Should().HaveCount(offer.Media.Count, "an answer has one m= line per offered one (RFC 3264 §6)");
        for (var i = 0; i < offer.Media.Count; i++)
        {
            parsed.Media[i].Mid.Should().Be(offer.Media[i].Mid);
            (parsed.Media[i].Port != 0).Should().Be(answer.Media[i].Accepted, "a rejected section has port 0");
        }
    }
}
