using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using One2One.Server.Calls;
using One2One.Server.Ice;
using One2One.Tests.Support.Turn;

namespace One2One.Tests.Ice;

/// <summary>
/// The credentials the server mints, tried on a real coturn started with <c>use-auth-secret</c>: a real TURN Allocate
/// with the long-term credential mechanism succeeds with them, and fails with a wrong or expired one.
/// </summary>
public sealed class CoturnAcceptsMintedCredentialsTests(CoturnFixture fixture) : IClassFixture<CoturnFixture>
{
    private Coturn Coturn => fixture.Coturn;

    [Fact]
    public async Task A_minted_credential_gets_an_allocation_and_the_servers_answer_is_signed_with_it()
    {
        var credential = Issuer(Coturn.SharedSecret, TimeProvider.System).Mint("alice");
        using var client = new TurnTestClient(Coturn.Endpoint);

        var reply = await client.AllocateAsync(credential.Username, credential.Credential);

        reply.Success.Should().BeTrue($"coturn accepts the credential ({reply}); coturn said: {Coturn.Log}");
        reply.IntegrityVerified.Should().BeTrue("the answer's MESSAGE-INTEGRITY uses the same long-term key");
        reply.RelayedAddress!.Address.Should().Be(IPAddress.Loopback);
        reply.RelayedAddress.Port.Should().BePositive();
        (await client.ReleaseAsync(credential.Username, credential.Credential, reply)).Success.Should().BeTrue();
    }

    [Theory]
    [InlineData("Alice Smith")]
    [InlineData("O'Brien")]
    [InlineData("say \"hi\"")]
    [InlineData("back\\slash")]
    [InlineData("Reunion Select")]
    [InlineData("100% Zoë")]
    public Task Any_name_a_person_may_register_gets_an_allocation(string name) => RegisteredNameAllocatesAsync(name);

    [Fact]
    public Task The_longest_name_in_the_widest_characters_gets_an_allocation() =>
        RegisteredNameAllocatesAsync(string.Concat(Enumerable.Repeat("🌍 ", UserName.MaxLength / 2)).Trim());

    [Fact]
    public async Task A_credential_signed_with_another_secret_is_refused()
    {
        var credential = Issuer("not-the-secret", TimeProvider.System).Mint("mallory");
        using var client = new TurnTestClient(Coturn.Endpoint);

        var reply = await client.AllocateAsync(credential.Username, credential.Credential);

        reply.Success.Should().BeFalse();
        reply.ErrorCode.Should().BeOneOf([401, 441], $"401 Unauthorized or 441 Wrong Credentials ({reply})");
    }

    [Fact]
    public async Task A_user_name_changed_after_minting_is_refused()
    {
        var credential = Issuer(Coturn.SharedSecret, TimeProvider.System).Mint("mallory");
        using var client = new TurnTestClient(Coturn.Endpoint);

        var reply = await client.AllocateAsync(credential.Username.Replace("mallory", "alice", StringComparison.Ordinal), credential.Credential);

        reply.ErrorCode.Should().BeOneOf([401, 441], reply.ToString());
    }

    [Fact]
    public async Task An_expired_credential_is_refused()
    {
        var twoHoursAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        var credential = Issuer(Coturn.SharedSecret, twoHoursAgo).Mint("alice");
        using var client = new TurnTestClient(Coturn.Endpoint);

        var reply = await client.AllocateAsync(credential.Username, credential.Credential);

        credential.ExpiresAt.Should().BeBefore(DateTimeOffset.UtcNow);
        reply.ErrorCode.Should().BeOneOf([401, 441], reply.ToString());
    }

    /// <summary>A credential minted for <paramref name="name"/>, a name one may register, allocates on coturn and releases.</summary>
    private async Task RegisteredNameAllocatesAsync(string name)
    {
        UserName.TryNormalize(name, out var registered, out _).Should().BeTrue("a name one may register");
        var credential = Issuer(Coturn.SharedSecret, TimeProvider.System).Mint(registered);
        using var client = new TurnTestClient(Coturn.Endpoint);

        var reply = await client.AllocateAsync(credential.Username, credential.Credential);

        reply.Success.Should().BeTrue(
            $"coturn accepts {credential.Username} ({System.Text.Encoding.UTF8.GetByteCount(credential.Username)} bytes; {reply}); coturn said: {Coturn.Log}");
        (await client.ReleaseAsync(credential.Username, credential.Credential, reply)).Success.Should().BeTrue();
    }

    private static IceServerIssuer Issuer(string secret, TimeProvider clock)
    {
        var options = new IceOptions();
        options.Turn.Urls = ["turn:127.0.0.1"];
        options.Turn.SharedSecret = secret;
        return new IceServerIssuer(Options.Create(options), clock, NullLogger<IceServerIssuer>.Instance);
    }
}
