using Microsoft.Extensions.Logging;

namespace One2One.Tests.Kurento.Support;

internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>Keeps every log entry, to check that a fault was logged rather than thrown, and to wait for what runs in the background.</summary>
/// <remarks>Entries and waiters are guarded by <see cref="_lock"/>, so a waiter never misses an entry logged as it starts waiting.</remarks>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly Lock _lock = new();
    private readonly List<LogEntry> _entries = [];
    private readonly List<(string EventName, TaskCompletionSource<LogEntry> Logged)> _waiters = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public IEnumerable<LogEntry> WithEvent(string eventName) => Entries.Where(e => e.EventId.Name == eventName);

    /// <summary>The first entry with this event name, once it is logged (up to a safety limit).</summary>
    public Task<LogEntry> WaitForEventAsync(string eventName)
    {
        TaskCompletionSource<LogEntry> logged;
        lock (_lock)
        {
            if (_entries.FirstOrDefault(e => e.EventId.Name == eventName) is { } entry)
            {
                return Task.FromResult(entry);
            }

            logged = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((eventName, logged));
        }

        return logged.Task.WaitAsync(KurentoTestClient.Soon);
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var entry = new LogEntry(logLevel, eventId, formatter(state, exception), exception);
        List<TaskCompletionSource<LogEntry>> woken = [];
        lock (_lock)
        {
            _entries.Add(entry);
            _waiters.RemoveAll(w =>
            {
                bool match = w.EventName == eventId.Name;
                if (match)
                {
                    woken.Add(w.Logged);
                }

                return match;
            });
        }

        foreach (var logged in woken)
        {
            logged.TrySetResult(entry);
        }
    }
}
