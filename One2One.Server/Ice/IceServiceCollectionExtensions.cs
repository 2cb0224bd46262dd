using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.Server.Media;

namespace One2One.Server.Ice;

internal static class IceServiceCollectionExtensions
{
    /// <summary>STUN and TURN for the pages (the "Ice" and "Turn" sections) and for the media server's endpoints, validated at start.</summary>
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
        return services;
    }
}
