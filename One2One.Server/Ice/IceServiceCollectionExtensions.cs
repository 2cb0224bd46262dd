using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.Server.Media;

namespace One2One.Server.Ice;

internal static class IceServiceCollectionExtensions
{
    /// <summary>STUN and TURN for the pages (the "Ice" and "Turn" sections), and what the media server's endpoints are given (STUN, TURN, the video cap), validated at start.</summary>
    public static IServiceCollection AddIceServers(this IServiceCollection services)
    {
        services.AddOptions<IceOptions>()
            .BindConfiguration(IceOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection(TurnOptions.SectionName).Bind(options.Turn))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IceOptions>, IceOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KurentoOptions>, MediaServerIceValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IceServerIssuer>();
        services.AddSingleton<MediaServerIce>();
        services.AddOptions<VideoBandwidthOptions>()
            .BindConfiguration(VideoBandwidthOptions.SectionName)
            .Validate(o => o.MaxVideoBitrate >= 0, "MediaServer:MaxVideoBitrate must be 0 (no cap) or a number of bits per second.")
            .ValidateOnStart();
        services.AddSingleton<EndpointPreparation>();
        return services;
    }
}
