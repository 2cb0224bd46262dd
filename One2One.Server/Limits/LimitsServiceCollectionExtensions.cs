using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace One2One.Server.Limits;

internal static class LimitsServiceCollectionExtensions
{
    /// <summary>The client limits, their options (validated at start) and the SignalR sizes that follow from them.</summary>
    public static IServiceCollection AddClientLimits(this IServiceCollection services)
    {
        services.AddOptions<LimitsOptions>()
            .BindConfiguration(LimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(sp => new LimitsClock(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ClientLimits>();
        services.AddOptions<HubOptions>().Configure<IOptions<LimitsOptions>>((hub, limits) =>
        {
            // Larger messages close the connection (SignalR's own check); within it, oversize offers and candidates get a HubException.
            hub.MaximumReceiveMessageSize = limits.Value.MaxMessageBytes;

            // One invocation at a time per client (SignalR's default, stated because we rely on it): a flooding client
            // occupies one thread, and a connection has at most one invocation for its end to wait for (SignalR's
            // OnDisconnectedAsync does not wait for it: InvocationThenDisconnectFilter does).
            hub.MaximumParallelInvocationsPerClient = 1;
        });
        return services;
    }
}
