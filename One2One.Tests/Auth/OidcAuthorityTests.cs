using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using One2One.Server.Contracts;
using One2One.Tests.Support;

namespace One2One.Tests.Auth;

/// <summary>
/// <c>Auth:Jwt:Authority</c>: the server finds the identity provider's signing keys through OpenID Connect discovery. The
/// provider here is a real HTTP server on 127.0.0.1 serving a discovery document and its keys (RS256).
/// </summary>
public sealed class OidcAuthorityTests : IAsyncLifetime
{
    private const string Audience = "one2one-app";
    private readonly RSA _providerKey = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private WebApplication _provider = null!;
    private One2OneServerFactory _server = null!;
    private string _issuer = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _provider = builder.Build();
        _provider.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = _issuer,
            ["jwks_uri"] = $"{_issuer}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        _provider.MapGet("/jwks", () =>
        {
            var key = _providerKey.ExportParameters(includePrivateParameters: false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = "provider-key", n = Base64UrlEncoder.Encode(key.Modulus), e = Base64UrlEncoder.Encode(key.Exponent) } } });
        });
        await _provider.StartAsync();
        _issuer = _provider.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        _server = new One2OneServerFactory()
            .WithSetting("Auth:Mode", "Jwt")
            .WithSetting("Auth:Jwt:Authority", _issuer)
            .WithSetting("Auth:NameClaim", "sub")
            .WithSetting("Auth:Jwt:Audience", Audience)
            .WithSetting("Auth:Jwt:RequireHttpsMetadata", "false");
        _server.StartServer();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _provider.DisposeAsync();
        _providerKey.Dispose();
        _otherKey.Dispose();
    }

    [Fact]
    public async Task A_token_from_the_provider_registers_its_name()
    {
        await using var alice = await SignalingClient.ConnectAsync(_server.HubUri, accessToken: Token("alice", _providerKey, Audience));

        (await alice.RegisterAsync("alice")).Response.Should().Be(Responses.Accepted);
        (await alice.RegisterAsync("bob")).Reason.Should().Be(Reasons.NameNotAllowed);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_or_for_another_audience_is_refused_with_401()
    {
        foreach (var token in new[] { Token("alice", _otherKey, Audience), Token("alice", _providerKey, "another-app") })
        {
            var connecting = () => SignalingClient.ConnectAsync(_server.HubUri, accessToken: token);

            (await connecting.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
    }

    private string Token(string name, RSA key, string audience) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = _issuer,
        Audience = audience,
        Expires = DateTime.UtcNow.AddMinutes(10),
        Claims = new Dictionary<string, object> { ["name"] = name, ["sub"] = name },
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "provider-key" }, SecurityAlgorithms.RsaSha256),
    });
}
