using One2One.Server.Calls;
using One2One.Server.Contracts;

namespace One2One.Tests.Calls;

/// <summary>
/// Which connection a <see cref="User"/> answers on, under its own gate: a lost connection detaches the user only while it
/// is still the user's, so a resume that took the user over a moment before is not undone by the old connection's close.
/// </summary>
public sealed class UserAttachmentTests
{
    [Fact]
    public void The_close_of_a_connection_a_resume_has_taken_over_does_not_detach_the_user()
    {
        var user = new User("bob", "first", new Outbox(), ResumeTokens.KeyOf("token-1"));
        user.TryResume("token-1", "second", new Outbox(), ResumeTokens.KeyOf("token-2"), _ => { }, out var previous).Should().BeTrue();
        previous.Should().Be("first", "the old connection still looked alive");

        user.TryDetach("first", (_, _) => throw new InvalidOperationException("no window for a connection that is not the user's"))
            .Should().BeFalse();

        user.IsDetached.Should().BeFalse();
        user.ConnectionId.Should().Be("second");
    }

    [Fact]
    public void The_close_of_the_current_connection_detaches_the_user_once_and_a_resume_reattaches_it()
    {
        var user = new User("bob", "first", new Outbox(), ResumeTokens.KeyOf("token-1"));
        var windows = 0;
        var movedFrom = new List<string?>();

        user.TryDetach("first", (_, _) => { windows++; return new NoTimer(); }).Should().BeTrue();
        user.TryDetach("first", (_, _) => { windows++; return new NoTimer(); }).Should().BeFalse("already detached");
        user.IsDetached.Should().BeTrue();
        windows.Should().Be(1);

        user.TryResume("wrong", "second", new Outbox(), ResumeTokens.KeyOf("token-2"), movedFrom.Add, out _).Should().BeFalse();
        user.TryResume("token-1", "second", new Outbox(), ResumeTokens.KeyOf("token-2"), movedFrom.Add, out var previous).Should().BeTrue();

        previous.Should().BeNull("the user was detached: no connection to take over");
        movedFrom.Should().Equal([null], "the resume's own step runs once, under the gate");
        user.IsDetached.Should().BeFalse();
        user.ResumeKey.Should().Be(ResumeTokens.KeyOf("token-2"), "the server keeps only the next token's key");
        ResumeTokens.Matches(user.ResumeKey, "token-2").Should().BeTrue();
        ResumeTokens.Matches(user.ResumeKey, user.ResumeKey).Should().BeFalse("a key is not a token");
    }

    [Fact]
    public void The_timer_of_a_window_that_a_resume_ended_does_not_end_the_window_of_the_next_detach()
    {
        // The window's timer fires just as the page resumes (its callback queued on the thread pool, past the disposal), and
        // the page's new connection drops before the callback runs: it must not expire the user there and then, who has a
        // whole new window to come back in.
        var user = new User("bob", "first", new Outbox(), ResumeTokens.KeyOf("token-1"));
        long first = 0, second = 0;
        user.TryDetach("first", (_, window) => { first = window; return new NoTimer(); }).Should().BeTrue();
        user.TryResume("token-1", "second", new Outbox(), ResumeTokens.KeyOf("token-2"), _ => { }, out _).Should().BeTrue();
        user.TryDetach("second", (_, window) => { second = window; return new NoTimer(); }).Should().BeTrue();

        user.TryExpire(first).Should().BeFalse("the first window's timer is late: the user resumed and left again since");
        user.IsDetached.Should().BeTrue("the second window goes on");
        user.IsGone.Should().BeFalse();

        user.TryExpire(second).Should().BeTrue("the second window closed");
        user.IsGone.Should().BeTrue();
    }

    private sealed class Outbox : IUserOutbox
    {
        public void Start()
        {
        }

        public bool Post(Func<IOne2OneClient, Task> send) => true;

        public void Close()
        {
        }
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
