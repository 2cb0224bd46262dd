using System.Globalization;
using System.Text.RegularExpressions;
using One2One.MediaServer.Rtc.Dtls;
using One2One.Tests.MediaServer.Rtc.Sdp;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <summary>
/// What a simulated browser puts in its offer: ICE credentials, its DTLS certificate's fingerprint, the SSRCs it
/// sends with and the payload types it numbers opus and VP8 with (browsers number codecs as they like; the relay
/// must map them).
/// </summary>
internal sealed record BrowserOffer(
    string Ufrag,
    string Password,
    DtlsFingerprint Fingerprint,
    uint AudioSsrc,
    uint VideoSsrc,
    uint VideoRtxSsrc,
    byte OpusPayloadType = BrowserOffer.ChromiumOpus,
    byte Vp8PayloadType = BrowserOffer.ChromiumVp8)
{
    public const byte ChromiumOpus = 111;
    public const byte ChromiumVp8 = 96;

    private const string RecordedUfrag = "pzAR";
    private const string RecordedPassword = "I/uymEBlyOc40KIQznO/9dmO";
    private const string RecordedFingerprint = "sha-256 62:A6:59:2D:F4:08:90:4A:1C:6E:28:B6:25:B7:F1:B8:9F:69:F9:F8:10:5A:45:1A:F3:BB:04:3A:04:5E:A2:51";
    private const string RecordedAudioSsrc = "3958983510";
    private const string RecordedVideoSsrc = "3384636408";
    private const string RecordedRtxSsrc = "1211663634";

    /// <summary>
    /// <see cref="SdpFixtures.RecordedChromium156"/> with this browser's values: everything else (extensions, rtx,
    /// H.264, the data channel) is as Chromium wrote it.
    /// </summary>
    public string ToSdp()
    {
        var sdp = SdpFixtures.RecordedChromium156
            .Replace(RecordedUfrag, Ufrag, StringComparison.Ordinal)
            .Replace(RecordedPassword, Password, StringComparison.Ordinal)
            .Replace(RecordedFingerprint, Fingerprint.ToString(), StringComparison.Ordinal)
            .Replace(RecordedAudioSsrc, Text(AudioSsrc), StringComparison.Ordinal)
            .Replace(RecordedVideoSsrc, Text(VideoSsrc), StringComparison.Ordinal)
            .Replace(RecordedRtxSsrc, Text(VideoRtxSsrc), StringComparison.Ordinal);
        sdp = Renumber(sdp, ChromiumOpus, OpusPayloadType);
        return Renumber(sdp, ChromiumVp8, Vp8PayloadType);
    }

    /// <summary>Gives a codec another payload type in the m= line, rtpmap, rtcp-fb and fmtp lines (apt=, red's list).</summary>
    private static string Renumber(string sdp, byte from, byte to)
    {
        if (from == to)
        {
            return sdp;
        }

        var number = new Regex($@"(?<![\w.-]){from}(?![\w.-])", RegexOptions.CultureInvariant);
        var lines = sdp.Split("\r\n");
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("m=audio", StringComparison.Ordinal) || lines[i].StartsWith("m=video", StringComparison.Ordinal)
                || lines[i].StartsWith("a=rtpmap:", StringComparison.Ordinal) || lines[i].StartsWith("a=rtcp-fb:", StringComparison.Ordinal)
                || lines[i].StartsWith("a=fmtp:", StringComparison.Ordinal))
            {
                lines[i] = number.Replace(lines[i], Text(to));
            }
        }

        return string.Join("\r\n", lines);
    }

    private static string Text(uint value) => value.ToString(CultureInfo.InvariantCulture);
}
