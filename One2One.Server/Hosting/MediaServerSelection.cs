using One2One.Kurento;
using One2One.Kurento.Internal;

namespace One2One.Server.Hosting;

/// <summary>
/// Which media server the calls use: an external Kurento Media Server when <c>Kurento:Uri</c> (environment
/// <c>Kurento__Uri</c>, or the tutorial's <c>--ws_uri=ws://host:8888/kurento</c>) is set; otherwise the
/// embedded one, started with the application.
/// </summary>
internal static class MediaServerSelection
{
    public const string TutorialUriKey = "ws_uri";

    public static IServiceCollection AddMediaServer(this IServiceCollection services, IConfiguration configuration)
    {
        var external = configuration[$"{KurentoOptions.SectionName}:Uri"] is { Length: > 0 } uri ? uri : configuration[TutorialUriKey];
        if (!string.IsNullOrWhiteSpace(external))
        {
            services.PostConfigure<KurentoOptions>(options => options.Uri = external);
            services.AddSingleton<IMediaServerLocator, ConfiguredMediaServerLocator>();
            services.AddHostedService(sp => new MediaServerAnnouncement(sp.GetRequiredService<ILoggerFactory>(), LoggedAddress.Of(external)));
            return services;
        }

        services.AddSingleton<EmbeddedMediaServerHost>();
        services.AddSingleton<IMediaServerLocator>(sp => sp.GetRequiredService<EmbeddedMediaServerHost>());
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedMediaServerHost>());
        return services;
    }

    /// <summary>Says at start-up which external media server is in use.</summary>
    private sealed class MediaServerAnnouncement(ILoggerFactory loggers, string address) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            HostingLog.ExternalMediaServer(loggers.CreateLogger<MediaServerAnnouncement>(), address);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
