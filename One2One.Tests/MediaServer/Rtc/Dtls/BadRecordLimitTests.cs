using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Rtc.Dtls.Records;

namespace One2One.Tests.MediaServer.Rtc.Dtls;

/// <summary>How many records that fail authentication (an exception each, on the platform's AES-GCM) are examined.</summary>
public sealed class BadRecordLimitTests
{
    [Fact]
    public void At_most_the_limit_is_examined_in_a_window_and_the_next_window_examines_again()
    {
        var time = new FakeTimeProvider();
        var limit = new BadRecordLimit(time);

        Fail(limit, BadRecordLimit.FailuresPerWindow);

        limit.MayExamine().Should().BeFalse("the window's failures are spent");
        time.Advance(BadRecordLimit.Window);
        limit.MayExamine().Should().BeTrue("a new window");
    }

    [Fact]
    public void A_failure_long_after_the_last_starts_a_new_window_rather_than_counting_in_an_old_one()
    {
        // One failure, then a burst five seconds later: counted in the old window, the burst filled it, and its age let the
        // next look start over at once, so about twice the limit went through within milliseconds.
        var time = new FakeTimeProvider();
        var limit = new BadRecordLimit(time);
        Fail(limit, 1);
        time.Advance(TimeSpan.FromSeconds(5));

        Fail(limit, BadRecordLimit.FailuresPerWindow);

        limit.MayExamine().Should().BeFalse("the burst had its own window's worth");
    }

    private static void Fail(BadRecordLimit limit, int count)
    {
        for (var i = 0; i < count; i++)
        {
            limit.MayExamine().Should().BeTrue($"failure {i + 1} of {count} is within the limit");
            limit.CountFailure();
        }
    }
}
