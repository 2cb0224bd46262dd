using Microsoft.Extensions.Time.Testing;
using One2One.MediaServer.Protocol;
using One2One.Tests.Support;

namespace One2One.Tests.MediaServer.Protocol;

/// <summary>The reply cache's bounds: what a session's replies may cost whatever its client sends.</summary>
public sealed class ReplyCacheTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Past_its_capacity_the_oldest_reply_is_forgotten()
    {
        var cache = new ReplyCache(_time);
        for (int i = 0; i <= ReplyCache.Capacity; i++)
        {
            Run(cache, i.ToString(System.Globalization.CultureInfo.InvariantCulture), 16);
        }

        cache.Count.Should().Be(ReplyCache.Capacity);
        cache.TryJoin("1", out var kept, out _).Should().BeTrue();
        kept.IsCompletedSuccessfully.Should().BeTrue();
        cache.TryJoin("0", out _, out _).Should().BeFalse("the oldest went first");
    }

    [Fact]
    public void Past_its_byte_budget_the_oldest_replies_are_forgotten()
    {
        var cache = new ReplyCache(_time);
        int size = ReplyCache.CapacityBytes / 4;

        for (int i = 0; i < 5; i++)
        {
            Run(cache, i.ToString(System.Globalization.CultureInfo.InvariantCulture), size);
        }

        cache.Count.Should().Be(4);
        cache.TryJoin("4", out _, out _).Should().BeTrue();
        cache.TryJoin("0", out _, out _).Should().BeFalse();
    }

    [Fact]
    public async Task A_run_that_failed_without_a_reply_runs_again_and_whoever_waited_gets_its_error()
    {
        var cache = new ReplyCache(_time);
        cache.TryJoin("7", out _, out var run).Should().BeFalse();
        cache.TryJoin("7", out var waiting, out _).Should().BeTrue();

        cache.Forget(run, [1, 2, 3]);

        (await waiting).Should().Equal(1, 2, 3);
        cache.TryJoin("7", out _, out _).Should().BeFalse("a new run");
    }

    [Fact]
    public void A_reply_lives_20_seconds_after_it_was_written_however_long_its_run_took()
    {
        var cache = new ReplyCache(_time);
        cache.TryJoin("1", out _, out var run);
        _time.Advance(TimeSpan.FromMinutes(1));
        cache.Complete(run, [0]);

        _time.Advance(ReplyCache.Lifetime - TimeSpan.FromTicks(1));
        cache.TryJoin("1", out _, out _).Should().BeTrue();
        _time.Advance(TimeSpan.FromTicks(1));
        cache.TryJoin("1", out _, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-5)]
    public void A_step_of_the_wall_clock_neither_forgets_a_reply_early_nor_keeps_it_late(int minutes)
    {
        // The Kurento client resends a request cut by a dropped connection within 15 s by its own monotonic clock: an NTP
        // step on the media server's host in between must not make the request run twice (a second pipeline nobody holds).
        var clock = new SteppedWallClock();
        var cache = new ReplyCache(clock);
        Run(cache, "7", 16);

        clock.Step = TimeSpan.FromMinutes(minutes);
        cache.TryJoin("7", out var kept, out _).Should().BeTrue("the reply was written a moment ago");
        kept.IsCompletedSuccessfully.Should().BeTrue();

        clock.Fake.Advance(ReplyCache.Lifetime);
        cache.TryJoin("7", out _, out _).Should().BeFalse("20 s have passed since the reply was written, whatever the wall clock says");
    }

    private static void Run(ReplyCache cache, string id, int bytes)
    {
        cache.TryJoin(id, out _, out var run).Should().BeFalse();
        cache.Complete(run, new byte[bytes]);
    }
}
