using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using One2One.Server.Ice;
using One2One.Tests.Support;

namespace One2One.Tests.Ice;

public sealed class IceOptionsTests
{
    private const string Secret = "s3cret-never-echoed";

    [Theory]
    [InlineData("stun:stun.example.com")]
    [InlineData("stun:stun.example.com:3478")]
    [InlineData("stuns:198.51.100.1:5349")]
    [InlineData("stun:[2001:db8::1]:3478")]
    public void STUN_URIs_of_RFC_7064_are_valid(string url)
    {
        Validate(o => o.StunUrls = [url]).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("turn:turn.example.com")]
    [InlineData("turn:turn.example.com:3478?transport=udp")]
    [InlineData("turns:turn.example.com:443?transport=tcp")]
    [InlineData("turn:203.0.113.20:3478?transport=tcp")]
    public void TURN_URIs_of_RFC_7065_are_valid(string url)
    {
        Validate(o => o.Turn.Urls = [url]).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("stun.example.com:3478", "Ice:StunUrls")]
    [InlineData("stun://stun.example.com", "Ice:StunUrls")]
    [InlineData("stun:stun.example.com:0", "Ice:StunUrls")]
    [InlineData("stun:stun.example.com?transport=udp", "Ice:StunUrls")]
    [InlineData("turn:turn.example.com", "Ice:StunUrls")]
    public void Anything_else_in_Ice_StunUrls_is_refused(string url, string setting)
    {
        var result = Validate(o => o.StunUrls = [url]);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(setting).And.Contain(url);
    }

    [Theory]
    [InlineData("turn:user@turn.example.com")]
    [InlineData("turn:turn.example.com:3478?transport=tls")]
    [InlineData("turn:turn.example.com:99999")]
    [InlineData("stun:turn.example.com")]
    [InlineData("")]
    public void Anything_else_in_Turn_Urls_is_refused(string url)
    {
        var result = Validate(o => o.Turn.Urls = [url]);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Turn:Urls");
    }

    [Fact]
    public void TURN_needs_the_shared_secret_and_relay_needs_TURN()
    {
        var noSecret = Validate(o => o.Turn.SharedSecret = null);
        var relayWithoutTurn = Validate(o =>
        {
            o.Turn.Urls = [];
            o.TransportPolicy = IceTransportPolicy.Relay;
        });

        noSecret.FailureMessage.Should().Contain("Turn:SharedSecret");
        relayWithoutTurn.FailureMessage.Should().Contain("Ice:TransportPolicy=relay").And.Contain("Turn:Urls");
    }

    [Theory]
    [InlineData("00:00:30")]
    [InlineData("8.00:00:00")]
    public void A_credential_lifetime_under_a_minute_or_over_a_week_is_refused(string lifetime)
    {
        var result = Validate(o => o.Turn.CredentialLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture));

        result.FailureMessage.Should().Contain("Turn:CredentialLifetime");
    }

    [Fact]
    public void A_secret_with_surrounding_white_space_is_refused_without_being_echoed()
    {
        var result = Validate(o => o.Turn.SharedSecret = " " + Secret);

        result.FailureMessage.Should().Contain("Turn:SharedSecret").And.NotContain(Secret);
    }

    [Fact]
    public void The_Ice_and_Turn_sections_are_bound_and_the_defaults_are_no_servers_and_a_one_hour_lifetime()
    {
        var defaults = Bind([]);
        var configured = Bind(new()
        {
            ["Ice:StunUrls:0"] = "stun:198.51.100.1:3478",
            ["Ice:TransportPolicy"] = "relay",
            ["Turn:Urls:0"] = "turn:198.51.100.2:3478",
            ["Turn:Urls:1"] = "turn:198.51.100.2:3478?transport=tcp",
            ["Turn:SharedSecret"] = Secret,
            ["Turn:CredentialLifetime"] = "00:10:00",
        });

        defaults.StunUrls.Should().BeEmpty();
        defaults.Turn.Urls.Should().BeEmpty();
        defaults.TransportPolicy.Should().Be(IceTransportPolicy.All);
        defaults.Turn.CredentialLifetime.Should().Be(TimeSpan.FromHours(1));
        configured.StunUrls.Should().Equal("stun:198.51.100.1:3478");
        configured.TransportPolicy.Should().Be(IceTransportPolicy.Relay);
        configured.Turn.Urls.Should().HaveCount(2);
        configured.Turn.SharedSecret.Should().Be(Secret);
        configured.Turn.CredentialLifetime.Should().Be(TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task The_server_does_not_start_with_invalid_ICE_settings_and_does_not_echo_the_secret()
    {
        await using var server = new One2OneServerFactory()
            .WithSetting("Ice:TransportPolicy", "relay")
            .WithSetting("Turn:SharedSecret", Secret + " ");

        var start = () => server.StartServer();

        start.Should().Throw<OptionsValidationException>()
            .Where(e => e.Message.Contains("Ice:TransportPolicy=relay", StringComparison.Ordinal) && !e.Message.Contains(Secret, StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(Action<IceOptions> configure)
    {
        var options = new IceOptions();
        options.Turn.Urls = ["turn:turn.example.com:3478"];
        options.Turn.SharedSecret = Secret;
        configure(options);
        return new IceOptionsValidator().Validate(null, options);
    }

    private static IceOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddIceServers()
            .BuildServiceProvider();
        return provider.GetRequiredService<IOptions<IceOptions>>().Value;
    }
}
