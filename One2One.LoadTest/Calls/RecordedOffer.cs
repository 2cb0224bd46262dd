namespace One2One.LoadTest.Calls;

/// <summary>
/// The offer Debian's Chromium 156 made with a fake camera and microphone (the tests' fixture, linked into this
/// project). Both sides of every load call send it: the media server negotiates each endpoint from it for real.
/// </summary>
internal static class RecordedOffer
{
    public static readonly string Sdp =
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "chromium-156-offer.sdp")).ReplaceLineEndings("\r\n");
}
