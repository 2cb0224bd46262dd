using One2One.MediaServer.Elements;
using One2One.MediaServer.Rtc.Dtls;
using One2One.MediaServer.Rtc.Sdp;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>
/// What a simulated browser reads from the endpoint's answer: ICE credentials, fingerprint, and the SSRCs the endpoint
/// sends with (0 for a kind it does not send).
/// </summary>
internal sealed record EndpointAnswer(string Ufrag, string Password, DtlsFingerprint Fingerprint, uint AudioSsrc, uint VideoSsrc)
{
    public uint Ssrc(KurentoMediaType kind) => kind == KurentoMediaType.Audio ? AudioSsrc : VideoSsrc;

    public static EndpointAnswer Parse(string sdp)
    {
        var description = SessionDescription.Parse(sdp);
        var audio = description.Media.Single(m => m.Kind == MediaKind.Audio && m.Port != 0);
        var video = description.Media.Single(m => m.Kind == MediaKind.Video && m.Port != 0);
        return new EndpointAnswer(
            audio.IceUfrag!,
            audio.IcePwd!,
            audio.Fingerprints.Single(),
            audio.SsrcAttributes.FirstOrDefault()?.Ssrc ?? 0,
            video.SsrcAttributes.FirstOrDefault()?.Ssrc ?? 0);
    }
}
