using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace One2One.Server.Hosting;

/// <summary>
/// Behind a reverse proxy every client would share the proxy's address, and the per-address limits would treat them
/// as one. When proxies are configured (<see cref="TrustedProxyOptions"/>), ASP.NET Core's forwarded-headers
/// middleware takes the client's address from X-Forwarded-For, but only on requests that come from those proxies.
/// </summary>
internal static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>()
            .BindConfiguration(TrustedProxyOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptionsValidator>());
        return services;
    }

    /// <summary>
    /// With no proxy trusted, a request carrying X-Forwarded-For most likely came through a proxy nobody listed: every client
    /// behind it then counts as the proxy's one address, sharing one address's limits (20 names, 10 calls, the same rings).
    /// Said once, as a warning, so an operator who followed a recipe without ForwardedHeaders finds out.
    /// </summary>
    private static IApplicationBuilder UseUntrustedForwardingWarning(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TrustedProxies));
        var warned = 0;
        return app.Use((context, next) =>
        {
            if (Volatile.Read(ref warned) == 0 && context.Request.Headers.ContainsKey(ForwardedHeadersDefaults.XForwardedForHeaderName)
                && Interlocked.Exchange(ref warned, 1) == 0)
            {
                HostingLog.ForwardedForIgnored(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            }

            return next(context);
        });
    }

    /// <summary>
    /// Before anything that reads the client's address: with proxies configured, the client's address comes from their
    /// X-Forwarded-For; without, the header is ignored (and pointed out once, see <see cref="UseUntrustedForwardingWarning"/>).
    /// </summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        var trusted = app.ApplicationServices.GetRequiredService<IOptions<TrustedProxyOptions>>().Value;
        if (!trusted.Enabled)
        {
            return app.UseUntrustedForwardingWarning();
        }

        // Only the address: nothing here depends on the forwarded scheme or host.
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = trusted.ForwardLimit };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in trusted.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in trusted.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        return app.UseForwardedHeaders(options);
    }
}
