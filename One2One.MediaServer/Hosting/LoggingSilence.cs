using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace One2One.MediaServer.Hosting;

/// <summary>
/// Log categories kept quiet whatever levels the operator configures. A rule for a named provider
/// (<c>Logging:Console:LogLevel:Default</c>) beats one for all providers however long its category, so a plain
/// <c>AddFilter(category, level)</c> gives way to it; these rules are added after the configuration's, for every provider
/// it names and for all, with the longest categories. Applied again on every reload of the Logging section.
/// </summary>
public static class LoggingSilence
{
    /// <summary>At most <paramref name="level"/> from <paramref name="category"/> (and its sub-categories), for every provider.</summary>
    public static IServiceCollection KeepQuiet(this IServiceCollection services, string category, LogLevel level) =>
        services.KeepQuiet(category, level, filter: null);

    /// <summary>Only what <paramref name="filter"/> lets through from <paramref name="category"/>, for every provider.</summary>
    public static IServiceCollection KeepQuiet(this IServiceCollection services, string category, Func<LogLevel, bool> filter) =>
        services.KeepQuiet(category, level: null, (_, _, level) => filter(level));

    private static IServiceCollection KeepQuiet(this IServiceCollection services, string category, LogLevel? level, Func<string?, string?, LogLevel, bool>? filter) =>
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            foreach (var provider in options.Rules.Select(rule => rule.ProviderName).Append(null).Distinct().ToList())
            {
                options.Rules.Add(new LoggerFilterRule(provider, category, level, filter));
            }
        });
}
