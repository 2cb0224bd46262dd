using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using One2One.Server.Auth;
using One2One.Server.Signaling;
using One2One.Tests.Support;

namespace One2One.Tests.Auth;

/// <summary>
/// The hub's endpoints carry the JWT policy only in <c>Auth:Mode=Jwt</c>: without authentication an always-true policy
/// would still be evaluated for every connection and keep its objects for the connection's lifetime (memory per idle
/// connection, issue 10).
/// </summary>
public sealed class HubAuthorizationMetadataTests
{
    [Fact]
    public async Task Without_authentication_the_hub_has_no_authorization_policy()
    {
        await using var server = One2OneServerFactory.InMemory();

        HubEndpoints(server).Should().NotBeEmpty()
            .And.OnlyContain(e => e.Metadata.GetMetadata<IAuthorizeData>() == null, "nothing is evaluated per connection");
    }

    [Fact]
    public async Task With_jwt_every_hub_endpoint_requires_the_hub_policy()
    {
        await using var server = new One2OneServerFactory().WithJwt();
        server.StartServer();

        HubEndpoints(server).Should().NotBeEmpty()
            .And.OnlyContain(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == HubAuthorization.PolicyName));
    }

    private static List<Endpoint> HubEndpoints(One2OneServerFactory server)
    {
        _ = server.Services;
        return server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e is RouteEndpoint r && r.RoutePattern.RawText?.StartsWith("/" + One2OneHub.Path.TrimStart('/'), StringComparison.Ordinal) == true)
            .ToList();
    }
}
