using One2One.MediaServer.Rtc.Srtp;

namespace One2One.Tests.MediaServer.Rtc.Srtp;

/// <summary>The RTP replay window's ring of bits: what it remembers as it moves, by one, by many, and past its size.</summary>
public sealed class RtpReplayWindowTests
{
    [Fact]
    public void Every_index_in_the_window_is_remembered_as_it_moves_on_one_by_one()
    {
        var window = RtpReplayWindow.StartingAt(10);
        for (ulong index = 11; index < 5_000; index++)
        {
            window.IsReplay(index).Should().BeFalse();
            window.Accept(index);
        }

        for (ulong index = 5_000 - RtpReplayWindow.Size; index < 5_000; index++)
        {
            window.IsReplay(index).Should().BeTrue($"{index} was accepted");
        }

        window.IsReplay(5_000 - RtpReplayWindow.Size - 1).Should().BeTrue("beyond the window nothing can be told");
    }

    [Fact]
    public void Indexes_jumped_over_are_new_and_a_jump_past_the_whole_window_forgets_it()
    {
        var window = RtpReplayWindow.StartingAt(1_000);
        for (ulong index = 1_001; index < 1_100; index++)
        {
            window.Accept(index);
        }

        // A jump of 1,000: what it passed over (1,100..1,999) has not been seen, though the ring slots held 76..975 once.
        window.Accept(2_099);
        window.IsReplay(1_150).Should().BeFalse();
        window.IsReplay(1_099).Should().BeTrue("still inside the window, and seen");
        window.Accept(1_150);
        window.IsReplay(1_150).Should().BeTrue();

        window.Accept(10_000);
        window.IsReplay(9_999).Should().BeFalse("past a jump larger than the window, nothing below is known as seen");
        window.IsReplay(10_000).Should().BeTrue();
        window.IsReplay(10_000 - RtpReplayWindow.Size).Should().BeTrue("outside the window");
    }
}
