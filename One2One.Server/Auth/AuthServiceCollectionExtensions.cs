using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace One2One.Server.Auth;

internal static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Authentication of the signaling hub per <c>Auth:Mode</c>. The mode is read here, at registration, because it decides
    /// which services exist; the rest of the section is validated at start-up.
    /// </summary>
    public static IServiceCollection AddOne2OneAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<RegistrationNames>();

        var settings = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        // The hub's policy exists only where the hub carries it (HubAuthorization.RequireHubAuthorization).
        services.AddAuthorization(authorization =>
        {
            if (settings.Mode == AuthMode.Jwt)
            {
                authorization.AddPolicy(HubAuthorization.PolicyName, HubAuthorization.Policy(settings));
            }
        });
        if (settings.Mode == AuthMode.Jwt)
        {
            services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
            services.AddSingleton<IConfigureOptions<JwtBearerOptions>, JwtBearerSetup>();
        }

        return services;
    }
}
