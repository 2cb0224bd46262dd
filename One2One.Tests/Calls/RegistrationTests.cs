using Microsoft.AspNetCore.SignalR;
using One2One.Server.Contracts;
using One2One.Tests.Support;

namespace One2One.Tests.Calls;

/// <summary>Registration on one node.</summary>
public sealed class RegistrationTests(One2OneServerFixture server) : RegistrationScenarios, IClassFixture<One2OneServerFixture>
{
    protected override One2OneServerFactory NodeOf(string person) => server.Factory;
}

/// <summary>
/// Registering a name: who may have which, and what is refused. A name's first holder connects where
/// <see cref="NodeOf"/> puts alice, anyone after where it puts bob: the same node (<see cref="RegistrationTests"/>), or
/// the other node of a cluster (<c>RegistrationAcrossNodesTests</c>), where names are unique cluster-wide.
/// </summary>
public abstract class RegistrationScenarios
{
    /// <summary>The node <paramref name="person"/> connects to.</summary>
    protected abstract One2OneServerFactory NodeOf(string person);

    [Fact]
    public async Task A_free_name_is_accepted()
    {
        await using var alice = await SignalingClient.ConnectAsync(NodeOf("alice"));

        var response = await alice.RegisterAsync(Names.Unique("alice"));

        response.Response.Should().Be(Responses.Accepted);
        response.Message.Should().BeNull();
        response.Reason.Should().BeNull();
    }

    [Fact]
    public async Task A_taken_name_is_rejected_with_a_reason_whatever_its_case()
    {
        var name = Names.Unique("Bob");
        await using var first = await SignalingClient.RegisteredAsync(NodeOf("alice"), name);
        await using var second = await SignalingClient.ConnectAsync(NodeOf("bob"));

        var response = await second.RegisterAsync("  " + name.ToUpperInvariant() + " ");

        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(Reasons.NameTaken);
        response.Message.Should().Contain("already taken");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bell\u0007")]
    [InlineData("new\nline")]
    [InlineData("zero\u200Bwidth")]
    [InlineData("\u0430lice")] // a Cyrillic "а" among Latin letters
    [InlineData("x123456789x123456789x123456789x123456789x123456789x123456789x1234")]
    public async Task An_invalid_name_is_rejected_with_a_reason(string? name)
    {
        await using var client = await SignalingClient.ConnectAsync(NodeOf("alice"));

        var response = await client.RegisterAsync(name);

        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(Reasons.InvalidName);
        response.Message.Should().NotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("Zo\u00EB", "Zoe\u0308")] // composed and decomposed
    [InlineData("alice", "\uFF41\uFF4C\uFF49\uFF43\uFF45")] // fullwidth
    [InlineData("Ann Lee", "Ann \u00A0 Lee")] // a page shows a run of spaces as one
    public async Task A_name_that_looks_the_same_in_another_spelling_is_taken(string held, string lookalike)
    {
        var suffix = Names.Unique("");
        await using var first = await SignalingClient.RegisteredAsync(NodeOf("alice"), held + suffix);
        await using var second = await SignalingClient.ConnectAsync(NodeOf("bob"));

        var response = await second.RegisterAsync(lookalike + suffix);

        response.Response.Should().Be(Responses.Rejected);
        response.Reason.Should().Be(Reasons.NameTaken);
    }

    [Fact]
    public async Task The_acceptance_names_the_name_as_others_see_it()
    {
        var suffix = Names.Unique("");
        await using var client = await SignalingClient.ConnectAsync(NodeOf("alice"));

        var response = await client.RegisterAsync("  Zoe\u0308  \uFF21nn" + suffix + " ");

        response.Response.Should().Be(Responses.Accepted);
        response.Name.Should().Be("Zo\u00EB Ann" + suffix);
    }

    [Fact]
    public async Task A_name_of_64_characters_after_trimming_is_accepted()
    {
        var name = Names.Unique("n").PadRight(64, 'x');
        await using var client = await SignalingClient.ConnectAsync(NodeOf("alice"));

        var response = await client.RegisterAsync("  " + name + "\t");

        response.Response.Should().Be(Responses.Accepted);
    }

    [Fact]
    public async Task The_name_is_freed_when_its_connection_goes_away()
    {
        var name = Names.Unique("carol");
        var first = await SignalingClient.RegisteredAsync(NodeOf("alice"), name);
        await first.DisposeAsync();

        await using var second = await SignalingClient.ConnectAsync(NodeOf("bob"));
        var response = await Eventually.ReturnsAsync(
            () => second.RegisterAsync(name),
            r => r.Response == Responses.Accepted);

        response.Response.Should().Be(Responses.Accepted);
    }

    [Fact]
    public async Task A_connection_keeps_its_first_name()
    {
        var name = Names.Unique("dave");
        await using var client = await SignalingClient.RegisteredAsync(NodeOf("alice"), name);

        (await client.RegisterAsync(name)).Response.Should().Be(Responses.Accepted);
        var other = await client.RegisterAsync(Names.Unique("eve"));

        other.Response.Should().Be(Responses.Rejected);
        other.Reason.Should().Be(Reasons.AlreadyRegistered);
    }

    [Fact]
    public async Task Every_other_method_fails_clearly_until_registered()
    {
        await using var client = await SignalingClient.ConnectAsync(NodeOf("alice"));
        var candidate = new IceCandidateInit("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "0", 0);

        foreach (var attempt in new Func<Task>[]
                 {
                     () => client.CallAsync("anyone", "v=0"),
                     () => client.AcceptAsync("anyone", "v=0"),
                     () => client.RejectAsync("anyone"),
                     client.StopAsync,
                     () => client.SendCandidateAsync(candidate),
                 })
        {
            // "HubException: <reason>: <message>" is how clients (the TypeScript SDK among them) find the refusal and the server's words.
            (await attempt.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("HubException: not-registered: Register a name first.");
        }

        client.Drain().Should().BeEmpty("nothing was sent to an unregistered connection");
    }
}
