using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace One2One.Tests.MediaServer.Relay.Support;

internal sealed record LogEntry(LogLevel Level, string Category, string? EventName, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category} {EventName}: {Message} {Exception?.GetType().Name} {Exception?.Message}";
}

/// <summary>A logger factory that keeps every entry at <see cref="MinimumLevel"/> and above, from any thread.</summary>
internal sealed class RecordingLoggerProvider(LogLevel minimumLevel = LogLevel.Information) : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public LogLevel MinimumLevel { get; } = minimumLevel;

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IReadOnlyList<LogEntry> AtLeast(LogLevel level) => [.. _entries.Where(e => e.Level >= level)];

    public ILoggerFactory CreateFactory() => LoggerFactory.Create(builder => builder.SetMinimumLevel(MinimumLevel).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider._entries.Enqueue(new LogEntry(logLevel, category, eventId.Name, formatter(state, exception), exception));
            }
        }
    }
}
