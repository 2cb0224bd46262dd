using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace One2One.Server.Auth;

/// <summary>The policy on the signaling hub (its negotiate and connect requests): open in <see cref="AuthMode.None"/>,
/// a valid bearer token carrying the name claim in <see cref="AuthMode.Jwt"/>.</summary>
internal static class HubAuthorization
{
    public const string PolicyName = "One2OneHub";

    public static AuthorizationPolicy Policy(AuthOptions options) => options.Mode == AuthMode.Jwt
        ? new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(options.NameClaim)
            .Build()
        : new AuthorizationPolicyBuilder().RequireAssertion(_ => true).Build();
}
