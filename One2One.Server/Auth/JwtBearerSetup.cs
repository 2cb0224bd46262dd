using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using One2One.Server.Signaling;

namespace One2One.Server.Auth;

/// <summary>Turns <see cref="AuthOptions"/> into the JWT bearer handler's options.</summary>
internal sealed class JwtBearerSetup(IOptions<AuthOptions> auth) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name == JwtBearerDefaults.AuthenticationScheme)
        {
            Configure(options);
        }
    }

    public void Configure(JwtBearerOptions options)
    {
        var settings = auth.Value;
        var jwt = settings.Jwt;

        // Claims keep their JWT names ("name", "sub"), so Auth:NameClaim means what the token says.
        options.MapInboundClaims = false;
        options.TokenValidationParameters.NameClaimType = settings.EffectiveNameClaim;
        options.TokenValidationParameters.ClockSkew = jwt.ClockSkew;
        options.TokenValidationParameters.RequireExpirationTime = true;
        options.TokenValidationParameters.RequireSignedTokens = true;
        if (!string.IsNullOrWhiteSpace(jwt.Authority))
        {
            options.Authority = jwt.Authority;
            options.Audience = jwt.Audience;
            options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        }
        else
        {
            options.TokenValidationParameters.ValidIssuer = jwt.SelfIssuedIssuer;
            options.TokenValidationParameters.ValidAudience = jwt.SelfIssuedAudience;
            options.TokenValidationParameters.IssuerSigningKey = JwtSigningKey.Read(jwt.SigningKey);
            // Only the algorithm we sign with: no "none", no key confusion.
            options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }

        options.Events = new JwtBearerEvents { OnMessageReceived = ReadHubQueryToken };
    }

    /// <summary>
    /// Browsers cannot put headers on a WebSocket or an EventSource, so SignalR sends the token as <c>access_token</c> in
    /// the query string; it is read there for the hub's path only (as the SignalR documentation shows).
    /// </summary>
    private static Task ReadHubQueryToken(MessageReceivedContext context)
    {
        var token = context.Request.Query["access_token"];
        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments(One2OneHub.Path))
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    }
}
