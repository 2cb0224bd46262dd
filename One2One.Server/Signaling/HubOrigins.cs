using System.Collections.Concurrent;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using One2One.Server.Calls;
using One2One.Server.Contracts;
using One2One.Server.Limits;

namespace One2One.Server.Signaling;

/// <summary>
/// Refuses with HTTP 403 a hub request (a negotiation, a WebSocket, a long-polling request) whose <c>Origin</c> is
/// neither this server's nor one of <see cref="HubOriginOptions.AllowedOrigins"/>; lets the allowed origins negotiate
/// across origins (CORS, on the hub's path only). A request without Origin (an app outside a browser) passes: only a
/// browser sends it, and a page can neither leave it out, nor forge it, nor add the X-Forwarded-Host it is also compared
/// with (the address a proxy in front was asked for).
/// </summary>
internal static class HubOrigins
{
    private const string CorsPolicy = "hub-origins";

    /// <summary>The refusal's reason, on the wire and in <c>one2one.hub.rejected</c>.</summary>
    internal const string Forbidden = "forbidden";

    /// <summary>Distinct refused origins logged at Warning; the rest at Debug (a prober cannot hide a misconfiguration).</summary>
    private const int MaxOriginsLogged = 16;

    public static IServiceCollection AddHubOrigins(this IServiceCollection services)
    {
        services.AddOptions<HubOriginOptions>().BindConfiguration(HubOriginOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubOriginOptions>, HubOriginOptionsValidator>());
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<HubOriginOptions>>((cors, hub) => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins([.. hub.Value.NormalizedOrigins()])
            .AllowAnyHeader()
            .AllowAnyMethod()
            .AllowCredentials()));
        return services;
    }

    /// <summary>Before anything else a hub request starts (the connection quota, authentication).</summary>
    public static IApplicationBuilder UseHubOrigins(this IApplicationBuilder app)
    {
        var allowed = app.ApplicationServices.GetRequiredService<IOptions<HubOriginOptions>>().Value.NormalizedOrigins()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HubOrigins));
        var rejections = app.ApplicationServices.GetRequiredService<Rejections>();
        var logged = new ConcurrentDictionary<string, byte>(StringComparer.OrdinalIgnoreCase);
        return app.UseWhen(context => context.Request.Path.StartsWithSegments(One2OneHub.Path), hub =>
        {
            hub.UseCors(CorsPolicy);
            hub.Use(async (context, next) =>
            {
                if (context.Request.Headers.Origin is { Count: > 0 } origin && !IsAllowed(origin.ToString(), context.Request, allowed))
                {
                    var page = EchoedText.Escaped(origin.ToString());
                    var host = EchoedText.Escaped(context.Request.Host.Value);
                    var forwarded = EchoedText.Escaped(context.Request.Headers[ForwardedHeadersDefaults.XForwardedHostHeaderName].ToString());
                    if (logged.Count < MaxOriginsLogged && logged.TryAdd(page, 0))
                    {
                        SignalingLog.OriginRefused(logger, page, host, forwarded);
                    }
                    else
                    {
                        SignalingLog.OriginRefusedAgain(logger, page, host);
                    }

                    rejections.Counted(Forbidden);
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await context.Response.WriteAsync(HubRejection.WireMessage(Forbidden,
                        "Pages from this origin may not connect to this server (Hub:AllowedOrigins).")).ConfigureAwait(false);
                    return;
                }

                await next(context).ConfigureAwait(false);
            });
        });
    }

    /// <summary>
    /// The page's origin is one of <paramref name="allowed"/>, or this server's: the Host asked for, or the
    /// X-Forwarded-Host a proxy was asked for. A host named without a port matches the page's host on any port: a proxy
    /// that ends TLS, or one that passes <c>$host</c>, drops the port the page was on.
    /// </summary>
    internal static bool IsAllowed(string origin, HttpRequest request, IReadOnlySet<string> allowed)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var page) || page.HostNameType == UriHostNameType.Unknown || page.IdnHost.Length == 0)
        {
            // "null" (a sandboxed frame, a file), or nothing a browser sends.
            return false;
        }

        if (allowed.Contains(page.GetLeftPart(UriPartial.Authority)))
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
                if (SameHost(page, new HostString(host)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool SameHost(Uri page, HostString host) =>
        host.HasValue
        && SameName(page.IdnHost, new HostString(host.Host).ToUriComponent())
        && (host.Port is not { } port || port == page.Port);

    private static bool SameName(string a, string b) => string.Equals(a.Trim('[', ']'), b.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);
}
