using Microsoft.Extensions.Options;

namespace One2One.Server.Hosting;

/// <summary>
/// Builds <typeparamref name="TOptions"/> as the framework's factory does, with one difference once they have been valid:
/// settings changed into invalid ones while the node runs (appsettings.json is watched), out of range or not even of their
/// type, are refused with an error in the log, and the last valid ones are kept. The framework's factory throws there, from every read of
/// <see cref="IOptionsMonitor{TOptions}.CurrentValue"/> and from the monitor's own change callback, which stopped the node
/// and its calls over a typo. At start-up invalid settings still fail (ValidateOnStart), as before.
/// </summary>
/// <remarks>Thread-safe: the last valid instance of each name is swapped whole.</remarks>
internal sealed class LastValidOptionsFactory<TOptions>(
    IEnumerable<IConfigureOptions<TOptions>> setups,
    IEnumerable<IPostConfigureOptions<TOptions>> postConfigures,
    IEnumerable<IValidateOptions<TOptions>> validations,
    ILogger<LastValidOptionsFactory<TOptions>> logger) : IOptionsFactory<TOptions>
    where TOptions : class
{
    private readonly OptionsFactory<TOptions> _inner = new(setups, postConfigures, validations);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TOptions> _lastValid = new(StringComparer.Ordinal);

    public TOptions Create(string name)
    {
        try
        {
            var options = _inner.Create(name);
            _lastValid[name] = options;
            return options;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException && _lastValid.TryGetValue(name, out var kept))
        {
            // Out of range (validation), or not even of its type ("30s" for a TimeSpan: the binder's InvalidOperationException).
            var failures = e is OptionsValidationException invalid ? string.Join(" ", invalid.Failures) : e.Message;
            HostingLog.SettingsChangeRefused(logger, typeof(TOptions).Name, failures);
            return kept;
        }
    }
}
