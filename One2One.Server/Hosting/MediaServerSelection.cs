using One2One.Server.Kurento;

namespace One2One.Server.Hosting;

/// <summary>
/// Which media server the calls use: an external Kurento Media Server when <c>Kurento:Uri</c> (environment
/// <c>Kurento__Uri</c>, or the tutorial's <c>--ws_uri=ws://host:8888/kurento</c>) is set; otherwise the
/// embedded one.
/// </summary>
internal static class MediaServerSelection
{
    public const string TutorialUriKey = "ws_uri";

    public static IServiceCollection AddMediaServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.PostConfigure<KurentoOptions>(options =>
        {
            if (string.IsNullOrWhiteSpace(options.Uri) && configuration[TutorialUriKey] is { Length: > 0 } tutorialUri)
            {
                options.Uri = tutorialUri;
            }

            options.Uri ??= "ws://localhost:8888/kurento";
        });
        services.AddSingleton<IMediaServerLocator, ConfiguredMediaServerLocator>();
        return services;
    }
}
