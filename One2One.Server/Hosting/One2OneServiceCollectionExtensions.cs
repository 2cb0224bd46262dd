using Microsoft.Extensions.DependencyInjection.Extensions;
using One2One.Server.Calls;
using One2One.Server.Kurento;

namespace One2One.Server.Hosting;

internal static class One2OneServiceCollectionExtensions
{
    /// <summary>The call server: signaling, calls, and the Kurento client with the media server it talks to.</summary>
    public static IServiceCollection AddOne2One(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CallOptions>()
            .BindConfiguration(CallOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new CallClock(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<UserRegistry>();
        services.AddSingleton<CallService>();
        services.AddHostedService<CallShutdown>();
        services.AddSignalR(hub => hub.MaximumReceiveMessageSize = 128 * 1024);

        services.AddKurentoClient();
        services.AddMediaServer(configuration);
        return services;
    }
}
