using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace One2One.LoadTest.Signaling;

/// <summary>
/// Opens WebSockets to the hub(s), spreading them over several loopback source addresses (127.0.0.2, 127.0.0.3,
/// ... are all loopback on Linux): one source address and one server port give at most one connection per
/// ephemeral port (net.ipv4.ip_local_port_range, about 28,000 by default). One handler for every socket, so a
/// connection costs a socket and a WebSocket, not an HTTP client.
/// </summary>
internal sealed class HubConnector : IDisposable
{
    private readonly IPAddress[] _sources;
    private readonly HttpMessageInvoker _invoker;
    private int _next = -1;

    public HubConnector(IReadOnlyList<IPAddress> sourceAddresses)
    {
        _sources = [.. sourceAddresses];
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = ConnectAsync, UseProxy = false });
    }

    /// <summary>Source addresses 127.0.0.2 ... 127.0.0.(count+1); none (the kernel picks) for 0.</summary>
    public static IReadOnlyList<IPAddress> LoopbackSources(int count) =>
        [.. Enumerable.Range(2, count).Select(i => new IPAddress([127, 0, 0, (byte)i]))];

    public async Task<ClientWebSocket> OpenAsync(Uri hubUri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        // SignalR's own pings keep the connection alive (HubSocket sends them); no WebSocket-level pings on top.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(ToWebSocketUri(hubUri), _invoker, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _invoker.Dispose();

    private static Uri ToWebSocketUri(Uri hubUri)
    {
        var builder = new UriBuilder(hubUri);
        builder.Scheme = hubUri.Scheme == Uri.UriSchemeHttps ? "wss" : hubUri.Scheme == Uri.UriSchemeHttp ? "ws" : hubUri.Scheme;
        return builder.Uri;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (_sources.Length > 0)
            {
                var source = _sources[(int)((uint)Interlocked.Increment(ref _next) % (uint)_sources.Length)];
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
