namespace One2One.Benchmarks.Relay;

/// <summary>
/// The offer Debian's Chromium 156 made with a fake camera and microphone and a data channel (createOffer as
/// is), the tests' fixture file, linked into this project.
/// Its video m-line announces SSRC 3384636408 and offers VP8 as payload type 96; its audio m-line SSRC 3958983510
/// and opus as 111.
/// </summary>
internal static class RecordedChromiumOffer
{
    public const uint VideoSsrc = 3384636408;

    public const byte Vp8PayloadType = 96;

    public const uint AudioSsrc = 3958983510;

    public const byte OpusPayloadType = 111;

    public static readonly string Sdp =
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "chromium-156-offer.sdp")).ReplaceLineEndings("\r\n");
}
