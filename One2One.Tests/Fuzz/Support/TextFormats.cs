using System.Text.RegularExpressions;

namespace One2One.Tests.Fuzz.Support;

/// <summary>The token shapes of the text formats we fuzz: SDP (lines, then words and separators) and JSON.</summary>
internal static partial class TextFormats
{
    /// <summary>SDP: lines with their line ends; words, numbers and the separators between them.</summary>
    public static readonly TextFormat Sdp = new(
        text => Split(LinePattern(), text),
        text => Split(SdpWordPattern(), text),
        [
            "", "0", "1", "-1", "9", "127", "128", "255", "256", "65535", "65536", "2147483647", "2147483648", "4294967295", "4294967296",
            "99999999999999999999", "v=0", "m=", "a=", "a=:", "a=mid:", "a=candidate:", "m=audio 9 UDP/TLS/RTP/SAVPF 111",
            "m=video 0 UDP/TLS/RTP/SAVPF", "a=group:BUNDLE", "a=setup:passive", "a=setup:holdconn", "a=rtcp-mux", "a=bundle-only",
            "a=ice-ufrag:abcd", "a=ice-pwd:aaaaaaaaaaaaaaaaaaaaaa", "a=fingerprint:sha-1 00", "a=fingerprint:md5 00:11",
            "a=ssrc-group:FID 1", "a=ssrc:1 cname:x", "a=msid:a b c", "a=rtpmap:111 opus/48000/2", "a=rtpmap:96 VP8/90000",
            "a=rtpmap:96 H264/90000", "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f", "a=extmap:0 x", "a=extmap:256 x",
            "UDP/TLS/RTP/SAVPF", "RTP/SAVPF", "opus", "VP8", "H264", "sha-256", "typ", "host", "raddr", "rport", "udp", "tcp",
            "127.0.0.1", "::1", "x.local", "\r\n", "\n", " ", "  ", ":", "/", "=", "\0", new string('a', 300), new string('9', 40),
        ]);

    /// <summary>JSON: strings, numbers, literals, punctuation and whitespace; lines are too coarse, so coarse tokens are values between commas.</summary>
    public static readonly TextFormat Json = new(
        text => Split(JsonMemberPattern(), text),
        text => Split(JsonTokenPattern(), text),
        [
            "null", "true", "false", "0", "-1", "1.5", "1e400", "-0", "2147483648", "9223372036854775808", "\"\"", "\"", "{", "}",
            "[", "]", ":", ",", "{}", "[]", "\"2.0\"", "\"1.0\"", "\"newref:0\"", "\"newref:-1\"", "\"newref:99\"", "\"newref:\"",
            "\"id\"", "\"jsonrpc\"", "\"method\"", "\"params\"", "\"result\"", "\"error\"", "\"value\"", "\"object\"", "\"type\"",
            "\"operation\"", "\"operationParams\"", "\"sessionId\"", "\"constructorParams\"", "\"mediaPipeline\"", "\"offer\"",
            "\"candidate\"", "\"operations\"", "\"subscription\"", "\"data\"", "\"code\"", "\"message\"", "\"create\"", "\"invoke\"",
            "\"release\"", "\"subscribe\"", "\"transaction\"", "\"connect\"", "\"ping\"", "\"onEvent\"", "\"MediaPipeline\"",
            "\"WebRtcEndpoint\"", "\"processOffer\"", "\"addIceCandidate\"", "\"connect\"", "\"AUDIO\"", "\"\\u0000\"",
            "\"\\ud800\"", "\"\\\"\"", "\"é\"", "\"" + new string('x', 5000) + "\"", new string('[', 70) + new string(']', 70),
            "{\"a\":" + new string('[', 63) + new string(']', 63) + "}", "\"id\":1,\"id\":2",
        ]);

    private static List<string> Split(Regex pattern, string text) => [.. pattern.Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"[^\n]*\n|[^\n]+")]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"\r\n|\n|[ :=/;]|[^ :=/;\r\n]+|\r")]
    private static partial Regex SdpWordPattern();

    [GeneratedRegex(@"""(?:\\.|[^""\\])*""|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}\[\]:,]|\s+|.", RegexOptions.Singleline)]
    private static partial Regex JsonTokenPattern();

    [GeneratedRegex(@"[^,]*,|[^,]+")]
    private static partial Regex JsonMemberPattern();
}
