using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using One2One.Server.Calls;

namespace One2One.Server.Cluster;

/// <summary>
/// Keeps the durable part of this node's calls in progress in the cluster's storage (<see cref="ICallRecordGrain"/>, and
/// this node's list of them, <see cref="INodeCallsGrain"/>), so that another node can take them over should this one die,
/// and asks the storage for a dead node's calls (the take-over itself is the call service's). Off in a cluster of one
/// (nobody would be left to take its calls over).
/// </summary>
/// <remarks>
/// Each call's writes go in the order they were asked for (one <see cref="OrderedSender"/> per call, so a record never
/// lands after its call's <see cref="Forget"/>); the only wait on a call's path is <see cref="WhenStoredAsync"/> before
/// the pages hear their answers (the record and the call's place on this node's list), bounded by <see cref="WriteWait"/>. The node's list is written by one loop, which folds
/// the changes that came in while it wrote into the next write. A write that fails is logged: the call goes on, but would
/// end with this node. Thread-safe.
/// </remarks>
internal sealed class CallRecords : BackgroundService
{
    private readonly IGrainFactory _grains;
    private readonly ILocalSiloDetails _silo;
    private readonly ILogger<CallRecords> _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CallWrites> _writers = new(StringComparer.Ordinal);
    private readonly Channel<ListChange> _listChanges = Channel.CreateUnbounded<ListChange>(new UnboundedChannelOptions { SingleReader = true });

    public CallRecords(IGrainFactory grains, ILocalSiloDetails silo, IOptions<ClusterNodeOptions> options, TimeProvider time, ILogger<CallRecords> logger)
    {
        _time = time;
        _grains = grains;
        _silo = silo;
        _logger = logger;
        IsEnabled = options.Value.IsClustered;
    }

    /// <summary>Whether calls are kept (cluster mode).</summary>
    public bool IsEnabled { get; }

    /// <summary>This node.</summary>
    public SiloAddress Node => _silo.SiloAddress;

    /// <summary>The grain key of a node's list of calls.</summary>
    public static string KeyOf(SiloAddress node) => node.ToParsableString();

    /// <summary>How long a call waits for its record to be stored before its pages hear their answers.</summary>
    public static readonly TimeSpan WriteWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Stores the call's current record (after any earlier one; its first puts the call on this node's list); completes when
    /// stored, or after <see cref="WriteWait"/> (the write goes on), never faulted: a failure is logged.
    /// </summary>
    public Task SaveAsync(CallRecord record)
    {
        if (!IsEnabled)
        {
            return Task.CompletedTask;
        }

        var writes = WritesOf(record.CallId);
        var stored = WriteAsync(record.CallId, writes.Sender.Send(() => _grains.GetGrain<ICallRecordGrain>(record.CallId).Save(record)));
        return Task.WhenAll(stored, writes.Listed).WaitAtMostAsync(WriteWait, _time);
    }

    /// <summary>The call's writes; the first time, the call goes on this node's list (<see cref="CallWrites.Listed"/> when it is written).</summary>
    private CallWrites WritesOf(string callId)
    {
        if (_writers.TryGetValue(callId, out var writes))
        {
            return writes;
        }

        // The one that is added goes on the list (a write racing this one may have added its own first).
        var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var created = new CallWrites(new OrderedSender(), listed.Task);
        writes = _writers.GetOrAdd(callId, created);
        if (ReferenceEquals(writes, created))
        {
            _listChanges.Writer.TryWrite(new ListChange(callId, Live: true, listed));
        }

        return writes;
    }

    /// <summary>
    /// Completes once the call's writes asked for so far are stored, or after <see cref="WriteWait"/>; never faulted (a
    /// failed write is logged where it failed).
    /// </summary>
    public Task WhenStoredAsync(string callId)
    {
        if (!IsEnabled || !_writers.TryGetValue(callId, out var writes))
        {
            return Task.CompletedTask;
        }

        return Task.WhenAll(writes.Sender.Send(() => Task.CompletedTask), writes.Listed).WaitAtMostAsync(WriteWait, _time);
    }

    /// <summary>The call has ended: its record goes (after its pending writes) and it leaves this node's list.</summary>
    public void Forget(string callId)
    {
        if (!IsEnabled || !_writers.TryRemove(callId, out var writes))
        {
            return;
        }

        _listChanges.Writer.TryWrite(new ListChange(callId, Live: false, Written: null));
        _ = WriteAsync(callId, writes.Sender.Send(() => _grains.GetGrain<ICallRecordGrain>(callId).Forget()));
    }

    /// <summary>A call this node took over but cannot run: its record goes (nobody else would take it over now).</summary>
    public void Drop(string callId)
    {
        if (IsEnabled && !_writers.ContainsKey(callId))
        {
            _ = WriteAsync(callId, _grains.GetGrain<ICallRecordGrain>(callId).Forget());
        }
    }

    /// <summary>
    /// Takes the call over from its home <paramref name="deadHome"/> (see <see cref="ICallRecordGrain.TakeOver"/>). An answer
    /// that did not come in time is asked for once more: the grain may have made this node the call's home before the answer
    /// was lost, and it answers <see cref="TakeOverResult.Taken"/> again to the node that holds the call, so asking is harmless.
    /// Without it, that call would be run by nobody (the others are told it is taken), its record kept for ever.
    /// </summary>
    public async Task<CallTakeOver> TakeOverAsync(string callId, SiloAddress deadHome)
    {
        try
        {
            return await AskToTakeOverAsync(callId, deadHome).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return await AskToTakeOverAsync(callId, deadHome).ConfigureAwait(false);
        }
    }

    private Task<CallTakeOver> AskToTakeOverAsync(string callId, SiloAddress deadHome) =>
        RejectedGrainCalls.RetryAsync(() => _grains.GetGrain<ICallRecordGrain>(callId).TakeOver(_silo.SiloAddress, deadHome), _time);

    /// <summary>The record of a call, if kept.</summary>
    public Task<CallRecord?> ReadAsync(string callId) => RejectedGrainCalls.RetryAsync(() => _grains.GetGrain<ICallRecordGrain>(callId).Read(), _time);

    /// <summary>The calls that lived on <paramref name="deadNode"/>, if this node is the first survivor to ask.</summary>
    public Task<string[]> TakeCallsOfAsync(SiloAddress deadNode) => _grains.GetGrain<INodeCallsGrain>(KeyOf(deadNode)).Take();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsEnabled)
        {
            return;
        }

        var list = _grains.GetGrain<INodeCallsGrain>(KeyOf(_silo.SiloAddress));
        var pending = new Dictionary<string, bool>(StringComparer.Ordinal);
        var written = new List<TaskCompletionSource>();
        try
        {
            while (await _listChanges.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                while (_listChanges.Reader.TryRead(out var change))
                {
                    pending[change.CallId] = change.Live;
                    if (change.Written is { } done)
                    {
                        written.Add(done);
                    }
                }

                string[] added = [.. pending.Where(c => c.Value).Select(c => c.Key)];
                string[] removed = [.. pending.Where(c => !c.Value).Select(c => c.Key)];
                pending.Clear();
                try
                {
                    await list.Update(added, removed).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    CallRecordsLog.ListWriteFailed(_logger, added.Length, removed.Length, ex);
                }
                finally
                {
                    // Written or failed (logged): the calls waiting for it go on either way.
                    written.ForEach(w => w.TrySetResult());
                    written.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(string callId, Task write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            CallRecordsLog.WriteFailed(_logger, callId, ex);
        }
    }
}

/// <summary>One call's writes, in order, and when it was put on this node's list.</summary>
internal sealed record CallWrites(OrderedSender Sender, Task Listed);

/// <summary>A call put on (<paramref name="Live"/>) or taken off this node's list; <paramref name="Written"/> is told when it is written.</summary>
internal readonly record struct ListChange(string CallId, bool Live, TaskCompletionSource? Written);

internal static partial class CallRecordsLog
{
    [LoggerMessage(EventId = 240, EventName = "CallRecordWriteFailed", Level = LogLevel.Warning, Message = "Call {CallId}: its record could not be stored; should this node die, the call ends with it")]
    public static partial void WriteFailed(ILogger logger, string callId, Exception exception);

    [LoggerMessage(EventId = 241, EventName = "NodeCallsWriteFailed", Level = LogLevel.Warning, Message = "This node's list of calls could not be stored ({Added} added, {Removed} removed)")]
    public static partial void ListWriteFailed(ILogger logger, int added, int removed, Exception exception);
}
