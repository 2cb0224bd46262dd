using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace One2One.Tests.Support;

/// <summary>
/// Where a test client connects from: a loopback source address of its own (all of 127.0.0.0/8 is loopback, so
/// 127.0.0.2 is a second real client address), and an X-Forwarded-For header as a reverse proxy would add.
/// </summary>
public sealed record ClientSource(IPAddress? LocalAddress = null, string? ForwardedFor = null)
{
    public static readonly ClientSource SecondAddress = new(IPAddress.Parse("127.0.0.2"));

    /// <summary>A WebSocket to <paramref name="uri"/> from this source; <paramref name="receiveBufferSize"/> shrinks the socket's receive buffer.</summary>
    public async Task<ClientWebSocket> ConnectWebSocketAsync(Uri uri, CancellationToken cancellationToken, int? receiveBufferSize = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    if (receiveBufferSize is { } size)
                    {
                        // Before connecting, so the window the server sees is small from the start.
                        socket.ReceiveBufferSize = size;
                    }

                    socket.Bind(new IPEndPoint(LocalAddress ?? IPAddress.Loopback, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var webSocket = new ClientWebSocket();
        if (ForwardedFor is not null)
        {
            webSocket.Options.SetRequestHeader("X-Forwarded-For", ForwardedFor);
        }

        // The handler is not disposed here: the upgraded connection it made now belongs to the WebSocket.
        await webSocket.ConnectAsync(uri, new HttpMessageInvoker(handler, disposeHandler: false), cancellationToken);
        return webSocket;
    }

    /// <summary>ws:// or wss:// for an http:// or https:// address; a WebSocket address as it is.</summary>
    public static Uri WebSocketUri(Uri uri) => uri.Scheme switch
    {
        "http" => new UriBuilder(uri) { Scheme = "ws" }.Uri,
        "https" => new UriBuilder(uri) { Scheme = "wss" }.Uri,
        _ => uri,
    };
}
