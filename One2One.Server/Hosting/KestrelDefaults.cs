namespace One2One.Server.Hosting;

/// <summary>
/// Where the server listens when nothing says otherwise: HTTPS on port 8443 as in the Kurento tutorial (with a
/// self-signed certificate made at first run) and plain HTTP on localhost:8080. <c>--urls</c>,
/// <c>ASPNETCORE_URLS</c>, <c>HTTP_PORTS</c>/<c>HTTPS_PORTS</c> or a Kestrel:Endpoints section replace these.
/// Decided when Kestrel starts, so configuration from every source (tests included) is seen.
/// </summary>
internal static class KestrelDefaults
{
    public const int HttpsPort = 8443;
    public const int HttpPort = 8080;

    public static WebApplicationBuilder UseOne2OneEndpoints(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var config = context.Configuration;
            var certificateConfigured = config.GetSection("Kestrel:Certificates:Default").Exists();
            kestrel.ConfigureHttpsDefaults(https =>
            {
                if (certificateConfigured || https.ServerCertificate is not null || https.ServerCertificateSelector is not null)
                {
                    return;
                }

                var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("One2One.Server.Hosting");
                var path = config["Https:SelfSignedCertificatePath"] is { Length: > 0 } p ? p : SelfSignedCertificate.DefaultPath();
                https.ServerCertificate = SelfSignedCertificate.LoadOrCreate(path, TimeProvider.System, logger);
            });

            var addressesConfigured = !string.IsNullOrWhiteSpace(config["urls"])
                || !string.IsNullOrWhiteSpace(config["http_ports"])
                || !string.IsNullOrWhiteSpace(config["https_ports"])
                || config.GetSection("Kestrel:Endpoints").Exists();
            if (!addressesConfigured)
            {
                kestrel.ListenAnyIP(HttpsPort, listen => listen.UseHttps());
                kestrel.ListenLocalhost(HttpPort);
            }
        });
        return builder;
    }
}
