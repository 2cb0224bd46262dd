using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Contracts;
using One2One.Server.Ice;

namespace One2One.Tests.Ice;

public sealed class TurnCredentialTests
{
    private const string Secret = "a shared secret 1234";
    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_registration_gets_the_STUN_servers_and_a_TURN_credential_in_coturns_scheme()
    {
        var clock = new FakeTimeProvider(Noon);
        var issuer = Issuer(clock, o =>
        {
            o.StunUrls = ["stun:stun.example.com:3478"];
            o.Turn.Urls = ["turn:turn.example.com:3478", "turns:turn.example.com:443?transport=tcp"];
        });

        var ice = issuer.For("alice");

        ice.IceTransportPolicy.Should().Be("all");
        ice.IceServers.Should().HaveCount(2);
        ice.IceServers[0].Urls.Should().Equal("stun:stun.example.com:3478");
        ice.IceServers[0].Username.Should().BeNull();
        ice.IceServers[0].Credential.Should().BeNull();
        var turn = ice.IceServers[1];
        turn.Urls.Should().Equal("turn:turn.example.com:3478", "turns:turn.example.com:443?transport=tcp");
        turn.Username.Should().Be($"{Noon.AddHours(1).ToUnixTimeSeconds()}:alice");
        turn.Credential.Should().Be(IndependentTurnCredential.For(Secret, turn.Username!));
    }

    [Fact]
    public void The_expiry_follows_the_clock_and_the_configured_lifetime()
    {
        var clock = new FakeTimeProvider(Noon);
        var issuer = Issuer(clock, o => o.Turn.CredentialLifetime = TimeSpan.FromMinutes(20));

        var first = issuer.Mint("bob");
        clock.Advance(TimeSpan.FromMinutes(90));
        var later = issuer.Mint("bob");

        first.Username.Should().Be($"{Noon.AddMinutes(20).ToUnixTimeSeconds()}:bob");
        first.ExpiresAt.Should().Be(Noon.AddMinutes(20));
        later.Username.Should().Be($"{Noon.AddMinutes(110).ToUnixTimeSeconds()}:bob");
        later.Credential.Should().Be(IndependentTurnCredential.For(Secret, later.Username)).And.NotBe(first.Credential);
    }

    [Fact]
    public void Names_with_colons_and_other_scripts_are_signed_as_UTF_8()
    {
        var issuer = Issuer(new FakeTimeProvider(Noon), _ => { });

        var credential = issuer.Mint("Zoë:the-2nd·🌍");

        credential.Username.Should().EndWith(":Zoë:the-2nd·🌍");
        credential.Credential.Should().Be(IndependentTurnCredential.For(Secret, credential.Username));
    }

    [Theory]
    [InlineData("Alice Smith", "Alice%20Smith")]
    [InlineData("O'Brien", "O%27Brien")]
    [InlineData("say \"hi\"", "say%20%22hi%22")]
    [InlineData("back\\slash", "back%5Cslash")]
    [InlineData("100%", "100%25")]
    [InlineData("Zoë: the 2nd 🌍", "Zoë:%20the%202nd%20🌍")]
    [InlineData("Reunion Select", "Re%75nion%20Select")]
    [InlineData("reunion", "reunion")]
    public void Characters_a_TURN_server_refuses_in_a_user_name_are_escaped_and_the_credential_signs_the_escaped_name(string name, string inUsername)
    {
        var issuer = Issuer(new FakeTimeProvider(Noon), _ => { });

        var credential = issuer.Mint(name);

        credential.Username.Should().Be($"{Noon.AddHours(1).ToUnixTimeSeconds()}:{inUsername}");
        credential.Credential.Should().Be(IndependentTurnCredential.For(Secret, credential.Username));
    }

    [Fact]
    public void Relay_policy_is_handed_to_the_pages()
    {
        var issuer = Issuer(new FakeTimeProvider(Noon), o => o.TransportPolicy = IceTransportPolicy.Relay);

        issuer.For("carol").IceTransportPolicy.Should().Be("relay");
    }

    [Fact]
    public void Without_TURN_a_page_gets_only_the_STUN_servers_and_nothing_is_minted()
    {
        var issuer = Issuer(new FakeTimeProvider(Noon), o =>
        {
            o.Turn.Urls = [];
            o.Turn.SharedSecret = null;
            o.StunUrls = ["stun:198.51.100.1"];
        });

        var ice = issuer.For("dave");

        var stun = ice.IceServers.Should().ContainSingle().Subject;
        stun.Urls.Should().Equal("stun:198.51.100.1");
        stun.Username.Should().BeNull();
        stun.Credential.Should().BeNull();
        issuer.Invoking(i => i.Mint("dave")).Should().Throw<InvalidOperationException>().WithMessage("*Turn:SharedSecret*");
    }

    [Fact]
    public void Credentials_never_appear_in_text_meant_for_logs()
    {
        var issuer = Issuer(new FakeTimeProvider(Noon), _ => { });
        var ice = issuer.For("erin");
        var turn = ice.IceServers.Single();

        turn.ToString().Should().NotContain(turn.Credential!).And.Contain(turn.Username!);
        issuer.Mint("erin").ToString().Should().NotContain(turn.Credential!);
        ice.ToString().Should().NotContain(turn.Credential!);
    }

    [Fact]
    public void On_the_wire_an_ICE_server_has_RTCIceServers_shape_without_null_members()
    {
        var json = JsonSerializer.Serialize(
            new RegisterResponse(Responses.Accepted, IceServers: [new IceServer(["stun:198.51.100.1"]), new IceServer(["turn:198.51.100.2"], "u", "c")], IceTransportPolicy: "relay"),
            new JsonSerializerOptions(JsonSerializerDefaults.Web));

        json.Should().Contain("""
            "iceServers":[{"urls":["stun:198.51.100.1"]},{"urls":["turn:198.51.100.2"],"username":"u","credential":"c"}],"iceTransportPolicy":"relay"
            """);
    }

    private static IceServerIssuer Issuer(TimeProvider clock, Action<IceOptions> configure)
    {
        var options = new IceOptions();
        options.Turn.Urls = ["turn:turn.example.com:3478"];
        options.Turn.SharedSecret = Secret;
        configure(options);
        new IceOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue("the test's options are valid");
        return new IceServerIssuer(Options.Create(options), clock, NullLogger<IceServerIssuer>.Instance);
    }
}
