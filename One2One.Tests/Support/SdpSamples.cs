namespace One2One.Tests.Support;

/// <summary>SDP offers as browsers send them, from files under Fixtures/.</summary>
public static class SdpSamples
{
    /// <summary>A Chromium offer with audio, video and a data channel (BUNDLE, rtcp-mux, trickle ICE).</summary>
    public static string ChromeOffer => Read("chrome-offer.sdp");

    private static string Read(string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)).ReplaceLineEndings("\r\n");
}
