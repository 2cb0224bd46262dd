using Microsoft.Extensions.Options;
using One2One.Server.Auth;
using One2One.Tests.Support;

namespace One2One.Tests.Auth;

/// <summary>The Auth section is checked at start-up: a half-configured authentication stops the server and says what is missing.</summary>
public sealed class AuthOptionsTests
{
    [Fact]
    public void Jwt_mode_without_an_authority_or_a_signing_key_fails_start_up_with_a_clear_message()
    {
        using var server = new One2OneServerFactory().WithSetting("Auth:Mode", "Jwt");

        var start = () => server.StartServer();

        start.Should().Throw<OptionsValidationException>().Which.Message.Should()
            .Contain("Auth:Mode is Jwt, but neither Auth:Jwt:Authority").And.Contain("nor Auth:Jwt:SigningKey");
    }

    [Theory]
    [InlineData("too-short", "Auth:Jwt:SigningKey is 9 bytes long; HMAC-SHA256 needs at least 32")]
    [InlineData("base64:c2hvcnQ=", "Auth:Jwt:SigningKey is 5 bytes long")]
    [InlineData("base64:not base64!", "starts with 'base64:' but the rest is not valid base64")]
    public void A_signing_key_that_is_too_short_or_unreadable_fails_start_up_without_quoting_it(string key, string message)
    {
        using var server = new One2OneServerFactory().WithJwt(key);

        var start = () => server.StartServer();

        var failure = start.Should().Throw<OptionsValidationException>().Which.Message;
        failure.Should().Contain(message);
        failure.Should().NotContain(key, "the key is a secret, even a bad one");
    }

    [Theory]
    [InlineData("60")] // meant as seconds, read as days
    [InlineData("-00:00:01")]
    public void A_clock_skew_that_is_negative_or_longer_than_an_hour_fails_start_up(string skew)
    {
        using var server = new One2OneServerFactory().WithJwt(TestTokens.SigningKey).WithSetting("Auth:Jwt:ClockSkew", skew);

        var start = () => server.StartServer();

        start.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Auth:Jwt:ClockSkew must be between 00:00:00 and 01:00:00");
    }

    [Fact]
    public void An_authority_needs_an_audience_and_https()
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions
        {
            Mode = AuthMode.Jwt,
            Jwt = { Authority = "http://login.example.com/realms/one2one" },
        });

        result.Failures.Should().HaveCount(3);
        result.FailureMessage.Should().Contain("Auth:Jwt:Audience is required").And.Contain("is not HTTPS")
            .And.Contain("Auth:NameClaim is required with Auth:Jwt:Authority");
    }

    [Fact]
    public void An_authority_needs_its_name_claim_named_as_the_display_name_is_no_identity()
    {
        var withoutClaim = new AuthOptions { Mode = AuthMode.Jwt, Jwt = { Authority = "https://login.example.com/realms/one2one", Audience = "one2one" } };
        var withClaim = new AuthOptions
        {
            Mode = AuthMode.Jwt, NameClaim = "preferred_username", Jwt = { Authority = "https://login.example.com/realms/one2one", Audience = "one2one" },
        };
        var selfIssued = new AuthOptions { Mode = AuthMode.Jwt, Jwt = { SigningKey = TestTokens.SigningKey } };

        new AuthOptionsValidator().Validate(null, withoutClaim).FailureMessage.Should().Contain("Auth:NameClaim is required with Auth:Jwt:Authority")
            .And.Contain("display name");
        new AuthOptionsValidator().Validate(null, withClaim).Succeeded.Should().BeTrue();
        new AuthOptionsValidator().Validate(null, selfIssued).Succeeded.Should().BeTrue("self-issued tokens carry the name where the token command puts it");
        selfIssued.EffectiveNameClaim.Should().Be("name");
    }

    [Fact]
    public void An_authority_and_a_signing_key_together_are_refused()
    {
        var result = new AuthOptionsValidator().Validate(null, new AuthOptions
        {
            Mode = AuthMode.Jwt,
            Jwt = { Authority = "https://login.example.com", Audience = "one2one", SigningKey = TestTokens.SigningKey },
        });

        result.FailureMessage.Should().Contain("not both");
    }

    [Fact]
    public void None_is_the_default_and_needs_nothing_else()
    {
        var options = new AuthOptions();

        options.Mode.Should().Be(AuthMode.None);
        options.EffectiveNameClaim.Should().Be("name");
        new AuthOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void A_base64_key_of_32_bytes_or_more_is_read_as_its_bytes()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

        JwtSigningKey.TryRead("base64:" + Convert.ToBase64String(bytes), out var key, out var error).Should().BeTrue(error);

        key.Should().Equal(bytes);
    }
}
