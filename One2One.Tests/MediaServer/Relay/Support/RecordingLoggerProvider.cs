using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace One2One.Tests.MediaServer.Relay.Support;

/// <param name="Scope">The values of the scopes around the entry, when the provider was given a scope provider.</param>
/// <param name="Details">The structured values and the enclosing scopes, as text: what a structured or scope-printing provider would write.</param>
internal sealed record LogEntry(
    LogLevel Level, string Category, string? EventName, string Message, Exception? Exception,
    IReadOnlyDictionary<string, object?>? Scope = null, string Details = "")
{
    /// <summary>A value of the log scopes around the entry (e.g. a call's <c>CallId</c>), when the provider was given a scope provider.</summary>
    public object? ScopeValue(string name) => Scope is { } scope && scope.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// The keys of the scopes code opened around the entry: without those the logger factory adds for the current
    /// <see cref="System.Diagnostics.Activity"/> (<c>SpanId</c>, <c>TraceId</c>, <c>ParentId</c>), which any activity
    /// listener in the process can make current.
    /// </summary>
    public IEnumerable<string> OpenedScopeKeys => Scope is { } scope ? scope.Keys.Where(static k => k is not ("SpanId" or "TraceId" or "ParentId")) : [];

    public override string ToString() => $"{Level} {Category} {EventName}: {Message} {Exception?.GetType().Name} {Exception?.Message}";
}

/// <summary>
/// A logger factory that keeps every entry at <see cref="MinimumLevel"/> and above, from any thread; in a host (which hands
/// it the scope provider) each entry also keeps the values of the scopes around it.
/// </summary>
internal sealed class RecordingLoggerProvider(LogLevel minimumLevel = LogLevel.Information) : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider? _scopes;

    public LogLevel MinimumLevel { get; } = minimumLevel;

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Runs on the logging thread for each entry kept, inside the logging call (a test's way into that moment).</summary>
    public Action<LogEntry>? OnEntry { get; set; }

    public IReadOnlyList<LogEntry> AtLeast(LogLevel level) => [.. _entries.Where(e => e.Level >= level)];

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(builder => builder.SetMinimumLevel(MinimumLevel).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Clear() => _entries.Clear();

    private Dictionary<string, object?>? ScopeValues()
    {
        if (_scopes is not { } scopes)
        {
            return null;
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        scopes.ForEachScope(static (scope, values) =>
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    values[key] = value;
                }
            }
        }, values);
        return values;
    }

    public void Dispose()
    {
    }

    private static string DetailsOf(object? state, IExternalScopeProvider? scopes)
    {
        var details = new StringBuilder();
        AppendValues(details, state);
        scopes?.ForEachScope(static (scope, text) => AppendValues(text.Append(" scope: ").Append(scope), scope), details);
        return details.ToString();
    }

    private static void AppendValues(StringBuilder text, object? state)
    {
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (var (key, value) in values)
            {
                text.Append(' ').Append(key).Append('=').Append(value);
            }
        }
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var entry = new LogEntry(
                    logLevel, category, eventId.Name, formatter(state, exception), exception, provider.ScopeValues(), DetailsOf(state, provider._scopes));
                provider._entries.Enqueue(entry);
                provider.OnEntry?.Invoke(entry);
            }
        }
    }
}
