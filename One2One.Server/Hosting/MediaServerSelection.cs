using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.Kurento.Internal;
using One2One.Server.Calls;
using One2One.Server.Media;

namespace One2One.Server.Hosting;

/// <summary>
/// Which media servers the calls use: external Kurento Media Servers at <c>Kurento:Uris:0..n</c>, or one at
/// <c>Kurento:Uri</c> (environment <c>Kurento__Uri</c>, or the tutorial's <c>--ws_uri=ws://host:8888/kurento</c>);
/// otherwise the embedded one, started with the application. <see cref="MediaServerPool"/> spreads calls over them.
/// </summary>
internal static class MediaServerSelection
{
    public const string TutorialUriKey = "ws_uri";

    public static IServiceCollection AddMediaServer(this IServiceCollection services, IConfiguration configuration)
    {
        // The first of several is the one the container's Kurento client drives; the pool makes clients for the others.
        var external = configuration[$"{KurentoOptions.SectionName}:Uris:0"] is { Length: > 0 } first ? first
            : configuration[$"{KurentoOptions.SectionName}:Uri"] is { Length: > 0 } uri ? uri : configuration[TutorialUriKey];
        if (!string.IsNullOrWhiteSpace(external))
        {
            // The container's client drives the first server (the pool's member 0). Kurento:Uri (or --ws_uri) given with
            // Kurento:Uris as well must be one of them: otherwise it is refused at start-up rather than dropped.
            var single = configuration[$"{KurentoOptions.SectionName}:Uri"] is { Length: > 0 } given ? given : configuration[TutorialUriKey];
            services.PostConfigure<KurentoOptions>(options => options.Uri = external);
            services.AddOptions<KurentoOptions>().Validate(
                options => options.Uris.Count == 0 || string.IsNullOrWhiteSpace(single) || options.Uris.Contains(single),
                "Set Kurento:Uri or --ws_uri (one media server) or Kurento:Uris (several), not both.");
            services.AddSingleton<IMediaServerLocator, ConfiguredMediaServerLocator>();
            services.AddHostedService(sp => new MediaServerAnnouncement(sp.GetRequiredService<ILoggerFactory>(), LoggedAddress.Of(external)));
            return services.AddMediaServerPool();
        }

        services.AddSingleton<EmbeddedMediaServerHost>();
        services.AddSingleton<IMediaServerLocator>(sp => sp.GetRequiredService<EmbeddedMediaServerHost>());
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedMediaServerHost>());
        return services.AddMediaServerPool();
    }

    /// <summary>The pool stops after the calls have ended (hosted services stop in reverse order).</summary>
    private static IServiceCollection AddMediaServerPool(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var calls = sp.GetRequiredService<IOptionsMonitor<CallOptions>>();
            return new MediaServerLossPolicy(() => calls.CurrentValue.MediaServerLostAfter);
        });
        services.AddSingleton<MediaServerPool>();
        services.AddHostedService(sp => sp.GetRequiredService<MediaServerPool>());
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
