using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace One2One.Server.Auth;

/// <summary>The policy on the signaling hub (its negotiate and connect requests): a valid bearer token carrying the name
/// claim in <see cref="AuthMode.Jwt"/>; none at all in <see cref="AuthMode.None"/>.</summary>
internal static class HubAuthorization
{
    public const string PolicyName = "One2OneHub";

    public static AuthorizationPolicy Policy(AuthOptions options) =>
        new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(options.EffectiveNameClaim)
            .Build();

    // The key WebApplication looks for before adding the authorization middleware by itself (it does so whenever the
    // authorization services exist, and SignalR registers them); set by UseAuthorization.
    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    /// <summary>
    /// The authentication and authorization middleware in <see cref="AuthMode.Jwt"/>; none in <see cref="AuthMode.None"/>.
    /// With no policy anywhere the authorization middleware decides nothing, yet for the hub's WebSocket it would stay in
    /// the request for the connection's lifetime, its async state and the request's <c>Items</c> dictionary it marks
    /// (about 0.35 KiB per idle connection). An endpoint given authorization metadata in that mode fails loudly (ASP.NET
    /// Core's endpoint middleware refuses it without the authorization middleware) rather than going unchecked.
    /// </summary>
    public static WebApplication UseHubAuthentication(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Mode == AuthMode.Jwt)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        else
        {
            ((IApplicationBuilder)app).Properties[AuthorizationMiddlewareSetKey] = true;
        }

        return app;
    }

    /// <summary>
    /// Puts the policy on the hub in <see cref="AuthMode.Jwt"/>. In <see cref="AuthMode.None"/> the hub carries no
    /// authorization metadata (and the app has no authorization middleware, see <see cref="UseHubAuthentication"/>): an always-true policy
    /// would be evaluated for every connection and keep the request's service scope and the evaluation's objects alive
    /// for the WebSocket's lifetime (about 0.5 KiB per idle connection).
    /// </summary>
    public static TBuilder RequireHubAuthorization<TBuilder>(this TBuilder hub, IServiceProvider services)
        where TBuilder : IEndpointConventionBuilder =>
        services.GetRequiredService<IOptions<AuthOptions>>().Value.Mode == AuthMode.Jwt
            ? hub.RequireAuthorization(PolicyName)
            : hub;
}
