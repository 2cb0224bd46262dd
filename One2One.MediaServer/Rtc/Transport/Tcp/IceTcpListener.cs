using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace One2One.MediaServer.Rtc.Transport.Tcp;

/// <summary>
/// The ICE-TCP port (RFC 6544): every endpoint's passive TCP host candidate names it. Accepts connections and gives
/// each an <see cref="IceTcpConnection"/>, which finds its transport by the ufrag of its first check. The accept loop
/// and the connections' loops are asynchronous, on the thread pool: no thread per connection.
/// </summary>
/// <remarks>
/// Threading: the accept loop owns the listening socket; <see cref="_connections"/> is concurrent, and
/// <see cref="_unchecked"/> has its own lock. When <see cref="IceTcpOptions.MaxConnections"/> are open, a new connection
/// closes the one that has waited longest for its first check; only when every open one passed its check is it refused.
/// </remarks>
internal sealed class IceTcpListener : IDisposable
{
    private readonly Socket _listener;
    private readonly TransportDirectory _directory;
    private readonly IceTcpOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<IceTcpConnection, byte> _connections = new();
    private readonly UncheckedConnections _unchecked;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;

    public IceTcpListener(IPAddress bindAddress, PortChoice choice, TransportDirectory directory, IceTcpOptions options, TimeProvider time, ILogger logger)
    {
        _directory = directory;
        _logger = logger;
        _unchecked = new UncheckedConnections(options.MaxUncheckedPerAddress);
        _options = options;
        _time = time;
        choice.Reserve(bindAddress, SocketType.Stream, ProtocolType.Tcp, holdOpen: true, out var listener);
        _listener = listener!;
        _listener.Listen(512);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>How long the accept loop waits after an accept failed for another reason than the connection's reset.</summary>
    internal static readonly TimeSpan AcceptErrorPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Frames no transport could take: those whose handling failed (a bug, logged).</summary>
    public TransportCounters Counters { get; } = new();

    /// <summary>Connections open now, bound to a transport or still waiting for their first check.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>The connections open now (a snapshot; for tests and diagnostics).</summary>
    internal IReadOnlyList<IceTcpConnection> Connections => [.. _connections.Keys];

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Dispose();
        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }

        _acceptLoop.Wait(TimeSpan.FromSeconds(5));
    }

    /// <summary>Connections from <paramref name="address"/> waiting for their first check (for tests).</summary>
    internal int UncheckedFrom(IPAddress address) => _unchecked.From(address);

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                if (ex is SocketException { SocketErrorCode: not (SocketError.ConnectionReset or SocketError.ConnectionAborted) })
                {
                    // Out of descriptors or buffers: the connection stays queued and the next accept fails at once, so a
                    // pause keeps this loop from spinning a core until the condition passes.
                    try
                    {
                        await Task.Delay(AcceptErrorPause, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                continue; // reset before it was accepted, or paused for above
            }

            IPAddress? counted = null;
            try
            {
                var address = ((IPEndPoint)socket.RemoteEndPoint!).Address;
                if (!_unchecked.TryReserve(address))
                {
                    socket.Dispose();
                    continue;
                }

                counted = address;
                if (!TryMakeRoom())
                {
                    _unchecked.Settle(address, null);
                    socket.Dispose();
                    continue;
                }

                LinkedListNode<IceTcpConnection>? inLine = null;
                var connection = new IceTcpConnection(socket, _directory, _options, _time, _logger, Counters,
                    onChecked: _ => _unchecked.Settle(address, inLine), onClosed: c => _connections.TryRemove(c, out _));
                inLine = _unchecked.Add(connection);
                _connections.TryAdd(connection, 0);
                counted = null; // the connection settles its place from now on
                connection.Start();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                if (counted is not null)
                {
                    _unchecked.Settle(counted, null);
                }

                socket.Dispose(); // reset between accept and set-up
            }
        }
    }

    /// <summary>
    /// Below <see cref="IceTcpOptions.MaxConnections"/>, true; at it, closes the connection that has waited longest for its
    /// first check (silent ones from many addresses would otherwise keep every browser out) and true, or false when
    /// every open connection passed its check.
    /// </summary>
    private bool TryMakeRoom()
    {
        while (_connections.Count >= _options.MaxConnections)
        {
            if (_unchecked.Oldest() is not { } oldest)
            {
                return false;
            }

            oldest.Close(); // settles its place and leaves _connections before Close returns
        }

        return true;
    }
}
