namespace One2One.Tests.Support.Browser;

/// <summary>How a test decides that media really flows into a page: video decoded and growing, audio packets growing.</summary>
public static class MediaExpectations
{
    /// <summary>
    /// Waits until the page shows remote video, then checks over two more seconds that frames keep being decoded and
    /// audio packets keep arriving. Returns the first and last reports.
    /// </summary>
    public static async Task<(MediaReport First, MediaReport Last)> ShouldReceiveAudioAndVideoAsync(Func<Task<MediaReport>> report, string who)
    {
        var first = await Eventually.ReturnsAsync(report, r => r.VideoWidth > 0 && r.FramesDecoded > 0 && r.AudioPackets > 0);
        first.VideoWidth.Should().BeGreaterThan(0, $"{who} shows the remote video ({first})");
        first.FramesDecoded.Should().BeGreaterThan(0, $"{who} decodes remote video ({first})");
        first.AudioPackets.Should().BeGreaterThan(0, $"{who} receives remote audio ({first})");

        await Task.Delay(TimeSpan.FromSeconds(2));
        var last = await report();
        last.FramesDecoded.Should().BeGreaterThan(first.FramesDecoded, $"{who}'s decoded video frames keep rising ({first} → {last})");
        last.AudioPackets.Should().BeGreaterThan(first.AudioPackets, $"{who}'s audio packets keep rising ({first} → {last})");
        return (first, last);
    }
}
