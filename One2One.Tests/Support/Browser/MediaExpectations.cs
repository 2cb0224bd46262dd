namespace One2One.Tests.Support.Browser;

/// <summary>How a test decides that media really flows into a page: video decoded and growing, audio packets growing.</summary>
public static class MediaExpectations
{
    /// <summary>
    /// Waits until the page shows remote video, then checks that frames keep being decoded and audio packets keep
    /// arriving: two seconds on, and if the video has not moved by then, until it does (<see cref="Eventually.Limit"/>).
    /// A page whose media stopped still fails; one whose decoder sat out a second or two on a starved machine (CI runs
    /// many browsers on two cores: a decoder waiting for the keyframe its PLI asked for) passes once it decodes again.
    /// Returns the first and last reports.
    /// </summary>
    public static async Task<(MediaReport First, MediaReport Last)> ShouldReceiveAudioAndVideoAsync(Func<Task<MediaReport>> report, string who)
    {
        var first = await Eventually.ReturnsAsync(report, r => r.VideoWidth > 0 && r.FramesDecoded > 0 && r.AudioPackets > 0);
        first.VideoWidth.Should().BeGreaterThan(0, $"{who} shows the remote video ({first})");
        first.FramesDecoded.Should().BeGreaterThan(0, $"{who} decodes remote video ({first})");
        first.AudioPackets.Should().BeGreaterThan(0, $"{who} receives remote audio ({first})");

        await Task.Delay(TimeSpan.FromSeconds(2));
        var last = await Eventually.ReturnsAsync(report, r => r.FramesDecoded > first.FramesDecoded && r.AudioPackets > first.AudioPackets);
        last.FramesDecoded.Should().BeGreaterThan(first.FramesDecoded, $"{who}'s decoded video frames keep rising ({first} → {last})");
        last.AudioPackets.Should().BeGreaterThan(first.AudioPackets, $"{who}'s audio packets keep rising ({first} → {last})");
        return (first, last);
    }
}
