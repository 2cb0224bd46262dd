using One2One.Server.Calls;

namespace One2One.Tests.Calls;

/// <summary>The registry of names and connections, on its own.</summary>
public sealed class UserRegistryTests
{
    [Fact]
    public void The_old_connection_of_a_user_resumed_on_a_new_one_frees_nothing_when_it_goes()
    {
        // The old connection closed by itself as the resume took the user over: its disconnect found the user before the
        // resume had moved the registry's entry, and freed the name of the person who had just come back.
        var registry = new UserRegistry();
        var token = ResumeTokens.NewToken();
        var alice = new User("alice", "c1", NoOutbox.Instance, ResumeTokens.KeyOf(token));
        registry.TryAdd(alice).Should().BeTrue();
        alice.TryResume(token, "c2", NoOutbox.Instance, ResumeTokens.KeyOf(ResumeTokens.NewToken()), _ => { }, out var previous).Should().BeTrue();
        previous.Should().Be("c1", "the old connection still looked alive");

        registry.Remove("c1").Should().BeNull("alice is on c2 now");
        registry.Attach(alice);

        registry.FindByName("alice").Should().BeSameAs(alice, "her name stays hers");
        registry.FindByConnection("c2").Should().BeSameAs(alice);
        registry.FindByConnection("c1").Should().BeNull();
        registry.Remove("c2").Should().BeSameAs(alice, "her own connection's close frees it");
        registry.FindByName("alice").Should().BeNull();
    }
}
