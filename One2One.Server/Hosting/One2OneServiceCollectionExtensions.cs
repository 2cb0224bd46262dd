using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using One2One.Kurento;
using One2One.MediaServer.Hosting;
using One2One.Server.Auth;
using One2One.Server.Calls;
using One2One.Server.Cluster;
using One2One.Server.Ice;
using One2One.Server.Limits;
using One2One.Server.MediaStates;
using One2One.Server.Observability;
using One2One.Server.Presence;
using One2One.Server.Signaling;

namespace One2One.Server.Hosting;

internal static class One2OneServiceCollectionExtensions
{
    /// <summary>ASP.NET Core's request lines ("Request starting GET http://…?access_token=…").</summary>
    private const string RequestLinesCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The call server: signaling, calls, and the Kurento client with the media server it talks to.</summary>
    public static IServiceCollection AddOne2One(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CallOptions>()
            .BindConfiguration(CallOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(
                _ => configuration[$"{CallOptions.SectionName}:ResumeWindow"] is null,
                "Calls:ResumeWindow was replaced by Calls:ReconnectWindow (0 still turns resume off): rename it, or it would be ignored.")
            .Validate(
                _ => UserName.CanFold,
                "Names cannot be folded to one form without ICU's data: DOTNET_SYSTEM_GLOBALIZATION_INVARIANT is set (as in Alpine images) or ICU is missing. Unset it and install ICU (icu-libs, libicu).")
            .ValidateOnStart();
        // The one section read again when the settings file changes: a mistake there is refused, not fatal.
        services.AddSingleton<IOptionsFactory<CallOptions>, LastValidOptionsFactory<CallOptions>>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new CallClock(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<UserRegistry>();
        services.AddSingleton<NameClaims>();
        services.AddSingleton<NodeDeaths>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeDeaths>());
        services.AddSingleton<CallRecords>();
        services.AddHostedService(sp => sp.GetRequiredService<CallRecords>());
        services.AddSingleton<CallService>();
        services.AddSingleton<ClientConnections>();
        services.AddSingleton<IUserConnections, HubUserConnections>();
        services.AddSingleton<Rejections>();
        services.AddSingleton<MediaStateRelay>();
        services.AddOptions<PresenceOptions>()
            .BindConfiguration(PresenceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<PresenceService>();
        services.AddHostedService<PresencePeering>();
        services.AddSingleton<ConnectionEnd>();
        services.AddSignalR(hub =>
        {
            hub.AddFilter<InvocationThenDisconnectFilter>();
            hub.AddFilter<HubErrorFilter>();
        });
        // For that one category only: a rule for every category would replace the configured levels (Logging:LogLevel)
        // of all of them. It keeps the dispatcher's warnings; its routine Debug/Trace lines stay out as well, and they must:
        // they print every invocation's arguments (resume tokens, SDP). Whatever levels the operator sets, per provider too.
        services.KeepQuiet(HubErrorFilter.QuietDispatcherCategory, level => level == LogLevel.Warning);

        // The host's request lines write the whole address, and browsers send their sign-in token in the hub's query string
        // (access_token): never logged, as the load balancer does.
        services.KeepQuiet(RequestLinesCategory, LogLevel.None);
        services.CaptureLogScopesOnlyWhenPrinted(configuration);
        services.AddClientLimits();
        services.AddIceServers();
        services.AddTrustedProxies();
        services.AddHubOrigins();
        services.AddOne2OneAuth(configuration);
        services.AddKurentoClient();
        services.AddOne2OneObservability(configuration);

        // Hosted services stop in reverse order: calls end (and release their pipelines) before the media server stops.
        services.AddMediaServer(configuration);
        services.AddSingleton<NodeStop>();
        services.AddHostedService<CallShutdown>();
        return services;
    }
}
