using System.Reflection;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Cluster;

namespace One2One.Tests.Cluster;

/// <summary>
/// A call to a stored grain that Orleans rejected (it met the grain deactivating, forwarded twice: seen in the three-node
/// test when two survivors took a call over at once, and the node whose call failed ended its side) is tried again; any
/// other failure, and a third rejection, reach the caller. The rejection is made here: it cannot be caused at will.
/// </summary>
public sealed class RejectedGrainCallsTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_call_rejected_twice_is_answered_on_the_third_attempt()
    {
        var attempts = 0;
        var answer = RejectedGrainCalls.RetryAsync(() => ++attempts < 3 ? Task.FromException<int>(Rejected()) : Task.FromResult(42), _time);

        await AdvanceUntilAsync(answer);

        (await answer).Should().Be(42);
        attempts.Should().Be(3);
    }

    [Fact]
    public async Task A_third_rejection_reaches_the_caller()
    {
        var attempts = 0;
        var answer = RejectedGrainCalls.RetryAsync(() => { attempts++; return Task.FromException<int>(Rejected()); }, _time);

        await AdvanceUntilAsync(answer);

        await answer.Invoking(async a => await a).Should().ThrowAsync<OrleansMessageRejectionException>();
        attempts.Should().Be(RejectedGrainCalls.Attempts);
    }

    [Fact]
    public async Task Any_other_failure_is_not_tried_again()
    {
        var attempts = 0;
        var answer = RejectedGrainCalls.RetryAsync(() => { attempts++; return Task.FromException<int>(new TimeoutException()); }, _time);

        await answer.Invoking(async a => await a).Should().ThrowAsync<TimeoutException>();
        attempts.Should().Be(1);
    }

    /// <summary>Orleans' own exception (its constructors are internal to Orleans).</summary>
    private static OrleansMessageRejectionException Rejected() =>
        (OrleansMessageRejectionException)Activator.CreateInstance(typeof(OrleansMessageRejectionException), BindingFlags.NonPublic | BindingFlags.Instance, null,
            ["Forwarding failed: tried to forward message for 2 times after \"DeactivateOnIdle was called.\" to invalid activation. Rejecting now."], null)!;

    /// <summary>
    /// Moves the fake clock on until the retries are done. Each retry sets its next delay from a thread-pool continuation,
    /// which may run long after the advance that woke it: a fixed number of advances (this was 100, one yield apart)
    /// could all pass before the last delay existed, and then nothing moved the clock and the test waited for ever (CI's hang
    /// guard caught it). So it goes on, a real millisecond apart, for as long as 30 s of real time.
    /// </summary>
    private async Task AdvanceUntilAsync(Task task)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!task.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            _time.Advance(TimeSpan.FromMilliseconds(25));
            await Task.Delay(1);
        }

        task.IsCompleted.Should().BeTrue("every retry's delay passed on the fake clock");
    }
}
