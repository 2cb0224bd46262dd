using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace One2One.Kurento;

public static class KurentoServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IKurentoClient"/> (one client, one media server session per application) and binds
    /// <see cref="KurentoOptions"/> to the "Kurento" section, validated at start-up. The application registers
    /// the <see cref="IMediaServerLocator"/> (e.g. <c>ConfiguredMediaServerLocator</c>).
    /// </summary>
    public static IServiceCollection AddKurentoClient(this IServiceCollection services)
    {
        services.AddOptions<KurentoOptions>().BindConfiguration(KurentoOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KurentoOptions>, KurentoOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KurentoClient>();
        services.TryAddSingleton<IKurentoClient>(provider => provider.GetRequiredService<KurentoClient>());
        return services;
    }
}
