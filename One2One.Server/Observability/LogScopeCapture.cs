namespace One2One.Server.Observability;

/// <summary>
/// Log scopes are captured only when something prints them. Kestrel, ASP.NET Core and SignalR open a scope for each
/// connection (its connection id, its request, its hub connection) whatever the log levels, and every scope is kept,
/// with the async work parked under it, for as long as the WebSocket is open: a few hundred bytes per idle connection
/// spent on scopes the default console, which does not print them, never reads.
/// </summary>
/// <remarks>
/// <c>Logging:CaptureScopes</c> (<see cref="LoggerFilterOptions.CaptureScopes"/>) decides when it is set. When it is not,
/// scopes are captured if the console prints them: <c>Logging:Console:FormatterOptions:IncludeScopes</c>, or the older
/// <c>Logging:Console:IncludeScopes</c>, is true. So asking the console for scopes (a call's <c>CallId</c>) is all an
/// operator does; another sink that reads scopes (an event-pipe session, an added provider) needs
/// <c>Logging:CaptureScopes=true</c>.
/// </remarks>
internal static class LogScopeCapture
{
    public const string SettingKey = "Logging:CaptureScopes";

    public static IServiceCollection CaptureLogScopesOnlyWhenPrinted(this IServiceCollection services, IConfiguration configuration)
    {
        // After Logging's own binding, which reads Logging:CaptureScopes (default true); the options are rebuilt on reload.
        services.PostConfigure<LoggerFilterOptions>(options => options.CaptureScopes = IsCaptured(configuration));
        return services;
    }

    /// <summary>Whether scopes are captured under <paramref name="configuration"/>.</summary>
    public static bool IsCaptured(IConfiguration configuration) =>
        configuration.GetValue<bool?>(SettingKey)
        ?? (configuration.GetValue<bool>("Logging:Console:FormatterOptions:IncludeScopes")
            || configuration.GetValue<bool>("Logging:Console:IncludeScopes"));
}
