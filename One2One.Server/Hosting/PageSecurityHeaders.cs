using Microsoft.Extensions.Options;
using One2One.Server.Signaling;

namespace One2One.Server.Hosting;

/// <summary>
/// Headers on every response that keep other sites from using the page: it may be framed only by this server's own pages
/// and by the sites of <see cref="HubOriginOptions.AllowedOrigins"/> (another site could frame it invisibly and have a
/// visitor click Accept on a ringing call, with the camera this origin was already allowed: clickjacking); no MIME
/// sniffing; no referrer (the page's address may carry a sign-in token until the page takes it out).
/// </summary>
internal static class PageSecurityHeaders
{
    public static IApplicationBuilder UsePageSecurityHeaders(this IApplicationBuilder app)
    {
        var allowed = app.ApplicationServices.GetRequiredService<IOptions<HubOriginOptions>>().Value.NormalizedOrigins();
        var policy = $"frame-ancestors {string.Join(' ', ["'self'", .. allowed])}";

        // For browsers without frame-ancestors, which cannot name other sites: only when there are none to name.
        var frameOptions = allowed.Count == 0 ? "SAMEORIGIN" : null;
        return app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            if (frameOptions is not null)
            {
                headers.XFrameOptions = frameOptions;
            }

            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
    }
}
