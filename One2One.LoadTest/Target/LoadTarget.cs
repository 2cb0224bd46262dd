namespace One2One.LoadTest.Target;

/// <summary>
/// What the load goes to: the server this tool started (one hub, its process known), or hubs given by URL
/// (several app nodes behind nothing or a load balancer; a process to read only if given).
/// </summary>
internal sealed class LoadTarget : IAsyncDisposable
{
    private readonly ServerProcess? _started;

    private LoadTarget(IReadOnlyList<Uri> hubs, int? serverPid, ServerProcess? started)
    {
        Hubs = hubs;
        ServerPid = serverPid;
        _started = started;
    }

    public IReadOnlyList<Uri> Hubs { get; }

    /// <summary>The server process whose memory and CPU are read, if known.</summary>
    public int? ServerPid { get; }

    public string Description => _started is not null
        ? $"One2One.Server started by the tool (pid {ServerPid}) at {Hubs[0]}"
        : $"{string.Join(", ", Hubs)}{(ServerPid is { } pid ? $" (server pid {pid})" : "")}";

    public static async Task<LoadTarget> OpenAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        if (options.Hubs.Count > 0)
        {
            return new LoadTarget([.. options.Hubs], options.ServerPid, null);
        }

        var server = await ServerProcess.StartAsync(options.ServerDll ?? ServerProcess.DefaultServerDll(), options.ServerSettings, cancellationToken).ConfigureAwait(false);
        return new LoadTarget([server.HubUri], server.ProcessId, server);
    }

    /// <summary>The hub for user number <paramref name="index"/>: users are spread round-robin.</summary>
    public Uri HubFor(int index) => Hubs[index % Hubs.Count];

    public ValueTask DisposeAsync() => _started?.DisposeAsync() ?? ValueTask.CompletedTask;
}
