using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.HttpOverrides;
using One2One.Server.Contracts;
using One2One.Server.Limits;

namespace One2One.Server.Signaling;

/// <summary>
/// Refuses with HTTP 403 a hub request (a negotiation, a WebSocket, a long-polling request) whose <c>Origin</c> is
/// neither this server's nor one of <see cref="HubOriginOptions.AllowedOrigins"/>; lets the allowed origins negotiate
/// across origins (CORS). A request without Origin (an app outside a browser) passes: only a browser sends it, and a
/// browser cannot leave it out, nor forge it, nor add the X-Forwarded-Host it is also compared with (the address a
/// proxy in front was asked for).
/// </summary>
internal static class HubOrigins
{
    private const string CorsPolicy = "hub-origins";

    public static IServiceCollection AddHubOrigins(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HubOriginOptions>().BindConfiguration(HubOriginOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubOriginOptions>, HubOriginOptionsValidator>());
        var allowed = configuration.GetSection(HubOriginOptions.SectionName).Get<HubOriginOptions>()?.AllowedOrigins ?? [];
        services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins([.. allowed.Select(o => o.TrimEnd('/'))])
            .AllowAnyHeader()
            .AllowAnyMethod()
            .AllowCredentials()));
        return services;
    }

    /// <summary>Before anything else a hub request starts (the connection quota, authentication).</summary>
    public static IApplicationBuilder UseHubOrigins(this IApplicationBuilder app)
    {
        var allowed = app.ApplicationServices.GetRequiredService<IOptions<HubOriginOptions>>().Value.AllowedOrigins
            .Select(o => new Uri(o, UriKind.Absolute))
            .ToArray();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HubOrigins));
        var logged = 0;
        app.UseCors(CorsPolicy);
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(One2OneHub.Path)
                && context.Request.Headers.Origin is { Count: > 0 } origin
                && !IsAllowed(origin.ToString(), context.Request, allowed))
            {
                if (Interlocked.Exchange(ref logged, 1) == 0)
                {
                    SignalingLog.OriginRefused(logger, EchoedText.ForLog(origin.ToString()));
                }
                else
                {
                    SignalingLog.OriginRefusedAgain(logger, EchoedText.ForLog(origin.ToString()));
                }

                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync(HubRejection.WireMessage("forbidden",
                    "Pages from this origin may not connect to this server (Hub:AllowedOrigins).")).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// The page's origin is this server's (the Host asked for, or the X-Forwarded-Host a proxy was asked for) or one of
    /// <paramref name="allowed"/>. A Host without a port matches an origin on its scheme's default port: behind a proxy
    /// that ends TLS the request's own scheme is not the page's.
    /// </summary>
    internal static bool IsAllowed(string origin, HttpRequest request, IReadOnlyList<Uri> allowed)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var page) || page.Scheme is not ("http" or "https"))
        {
            // "null" (a sandboxed frame, a file), or nothing a browser sends.
            return false;
        }

        if (allowed.Any(a => a.Scheme == page.Scheme && a.Port == page.Port && string.Equals(a.IdnHost, page.IdnHost, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        if (SameHost(page, request.Host))
        {
            return true;
        }

        foreach (var forwarded in request.Headers[ForwardedHeadersDefaults.XForwardedHostHeaderName])
        {
            foreach (var host in (forwarded ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (SameHost(page, HostString.FromUriComponent(host)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool SameHost(Uri page, HostString host) =>
        host.HasValue
        && string.Equals(page.IdnHost.Trim('[', ']'), new HostString(host.Host).ToUriComponent().Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
        && (host.Port is { } port ? port == page.Port : page.IsDefaultPort);
}

/// <summary>Checks <see cref="HubOriginOptions"/> at start-up: each allowed origin is <c>http(s)://host[:port]</c> and nothing more.</summary>
internal sealed class HubOriginOptionsValidator : IValidateOptions<HubOriginOptions>
{
    public ValidateOptionsResult Validate(string? name, HubOriginOptions options)
    {
        var failures = options.AllowedOrigins
            .Where(o => !Uri.TryCreate(o, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            .Select(o => $"Hub:AllowedOrigins: '{o}' is not an origin (scheme://host[:port], like https://app.example.org).")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
