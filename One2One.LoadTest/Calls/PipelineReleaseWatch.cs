using System.Diagnostics;
using System.Globalization;

namespace One2One.LoadTest.Calls;

/// <summary>
/// Sees a call's pipeline released from outside the server: each WebRtcEndpoint of the embedded media server
/// holds one UDP socket, whose port the server announces in its ICE candidates, and releasing the pipeline
/// closes both. The watch finds each socket by port in /proc/net/udp (and udp6) and notes its inode (a port can be
/// reused by a later call, an inode is not); the release is when neither inode is listed any more. Works when
/// the media server runs on this machine in this network namespace; elsewhere <see cref="IsAvailable"/> is false.
/// </summary>
/// <remarks>
/// Threading: waiters are added from any thread under <see cref="_gate"/>; one poll loop reads the tables every
/// <see cref="PollInterval"/> while anyone waits, so a release time is known to within that interval.
/// </remarks>
internal sealed class PipelineReleaseWatch : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private static readonly string[] Tables = ["/proc/net/udp", "/proc/net/udp6"];

    private readonly Lock _gate = new();
    private readonly List<(long[] Inodes, TaskCompletionSource<long> Released)> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;
    private readonly SemaphoreSlim _wake = new(0);

    public PipelineReleaseWatch()
    {
        _polling = IsAvailable ? Task.Run(PollAsync) : Task.CompletedTask;
    }

    public static bool IsAvailable => File.Exists(Tables[0]);

    /// <summary>The inodes of the UDP sockets bound to these ports now; null if any is not found here.</summary>
    public static long[]? FindSockets(IReadOnlyList<int> ports)
    {
        if (!IsAvailable)
        {
            return null;
        }

        var byPort = new Dictionary<int, long>();
        foreach (var (port, inode) in ReadSockets())
        {
            byPort.TryAdd(port, inode);
        }

        var inodes = new long[ports.Count];
        for (var i = 0; i < ports.Count; i++)
        {
            if (!byPort.TryGetValue(ports[i], out inodes[i]))
            {
                return null;
            }
        }

        return inodes;
    }

    /// <summary>Completes with the <see cref="Stopwatch"/> timestamp of the first poll that found none of the sockets open.</summary>
    public Task<long> WhenClosedAsync(long[] inodes)
    {
        var released = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiters.Add((inodes, released));
        }

        _wake.Release();
        return released.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _polling.ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var (_, released) in _waiters)
            {
                released.TrySetCanceled();
            }
        }

        _wake.Dispose();
        _stop.Dispose();
    }

    private async Task PollAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                bool idle;
                lock (_gate)
                {
                    idle = _waiters.Count == 0;
                }

                if (idle)
                {
                    await _wake.WaitAsync(_stop.Token).ConfigureAwait(false);
                    continue;
                }

                var open = new HashSet<long>();
                foreach (var (_, inode) in ReadSockets())
                {
                    open.Add(inode);
                }

                var now = Stopwatch.GetTimestamp();
                lock (_gate)
                {
                    _waiters.RemoveAll(waiter =>
                    {
                        if (waiter.Inodes.Any(open.Contains))
                        {
                            return false;
                        }

                        waiter.Released.TrySetResult(now);
                        return true;
                    });
                }

                await Task.Delay(PollInterval, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>(local port, inode) of every UDP socket: "sl local_address rem_address st ... uid timeout inode".</summary>
    private static IEnumerable<(int Port, long Inode)> ReadSockets()
    {
        foreach (var table in Tables)
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10)
                {
                    continue;
                }

                var local = fields[1];
                var port = int.Parse(local.AsSpan(local.LastIndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                yield return (port, long.Parse(fields[9], CultureInfo.InvariantCulture));
            }
        }
    }
}
