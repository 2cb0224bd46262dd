using One2One.MediaServer.Rtc.Dtls.Records;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

public class DtlsReplayWindowTests
{
    [Fact]
    public void Each_sequence_number_is_accepted_once_and_those_64_behind_are_refused()
    {
        var window = default(DtlsReplayWindow);
        window.IsReplay(5).Should().BeFalse();
        window.Accept(5);
        window.IsReplay(5).Should().BeTrue();
        window.IsReplay(3).Should().BeFalse("out of order but new");
        window.Accept(3);
        window.IsReplay(3).Should().BeTrue();

        window.Accept(100);
        window.IsReplay(37).Should().BeFalse("63 behind is still inside the window");
        window.IsReplay(36).Should().BeTrue("64 behind is too old to tell");
        window.IsReplay(5).Should().BeTrue();
        window.IsReplay(99).Should().BeFalse();
        window.Accept(99);
        window.IsReplay(99).Should().BeTrue();
        window.IsReplay(101).Should().BeFalse();

        window.Accept(1000);
        window.IsReplay(100).Should().BeTrue();
        window.IsReplay(999).Should().BeFalse("the jump cleared the window");
    }
}
