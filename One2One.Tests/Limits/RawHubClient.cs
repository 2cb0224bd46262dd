using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using One2One.Server.Contracts;
using One2One.Tests.Support;

namespace One2One.Tests.Limits;

/// <summary>
/// A SignalR client written by hand over a raw WebSocket, speaking the JSON hub protocol (each record ends in 0x1E),
/// so a test can do what no real client does: send invocations and never read what comes back.
/// </summary>
internal sealed class RawHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    private readonly ClientWebSocket _socket;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly StringBuilder _received = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();

    private RawHubClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>Connects straight to the hub's WebSocket (no negotiation) and completes SignalR's handshake.</summary>
    public static async Task<RawHubClient> ConnectAsync(Uri hubUri, ClientSource source, int receiveBufferSize)
    {
        using var timeout = new CancellationTokenSource(SignalingClient.DefaultWait);
        var client = new RawHubClient(await source.ConnectWebSocketAsync(ClientSource.WebSocketUri(hubUri), timeout.Token, receiveBufferSize));
        await client.SendAsync("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator, timeout.Token);
        (await client.ReadRecordAsync(timeout.Token)).Should().Be("{}", "the server accepts the handshake");
        return client;
    }

    /// <summary>Connects and registers <paramref name="name"/>, expecting it to be accepted.</summary>
    public static async Task<RawHubClient> RegisteredAsync(Uri hubUri, ClientSource source, string name, int receiveBufferSize)
    {
        var client = await ConnectAsync(hubUri, source, receiveBufferSize);
        await client.SendAsync(Invocation("Register", name), CancellationToken.None);
        var response = await client.ReceiveInvocationAsync(nameof(IOne2OneClient.RegisterResponse));
        response.GetProperty("response").GetString().Should().Be(Responses.Accepted);
        return client;
    }

    /// <summary>An invocation record without an invocation id: the server sends no completion back for it.</summary>
    public static string Invocation(string target, params object?[] arguments) =>
        JsonSerializer.Serialize(new { type = 1, target, arguments }) + RecordSeparator;

    public async Task SendAsync(string records, CancellationToken cancellationToken) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(records), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Reads records until the server invokes <paramref name="target"/>; returns its first argument.</summary>
    public async Task<JsonElement> ReceiveInvocationAsync(string target)
    {
        using var timeout = new CancellationTokenSource(SignalingClient.DefaultWait);
        while (true)
        {
            using var record = JsonDocument.Parse(await ReadRecordAsync(timeout.Token));
            if (record.RootElement.TryGetProperty("target", out var name) && name.GetString() == target)
            {
                return record.RootElement.GetProperty("arguments")[0].Clone();
            }
        }
    }

    /// <summary>Reads the next invocation the server sends, whatever its target: the target and its first argument.</summary>
    public async Task<(string Target, JsonElement Argument)> ReceiveAnyInvocationAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var record = JsonDocument.Parse(await ReadRecordAsync(cancellationToken));
            if (record.RootElement.TryGetProperty("target", out var name))
            {
                return (name.GetString()!, record.RootElement.GetProperty("arguments")[0].Clone());
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="chunk"/> over and over, reading nothing, until <paramref name="limit"/> bytes are sent, the
    /// connection fails, or <paramref name="cancellationToken"/> is cancelled; returns the bytes sent.
    /// </summary>
    public async Task<long> FloodAsync(ReadOnlyMemory<byte> chunk, long limit, CancellationToken cancellationToken)
    {
        long sent = 0;
        try
        {
            while (sent < limit)
            {
                await _socket.SendAsync(chunk, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                sent += chunk.Length;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The server closed the connection (or the test stopped waiting): the flood is over.
        }

        return sent;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string> ReadRecordAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = _received.ToString();
            var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                _received.Remove(0, end + 1);
                return text[..end];
            }

            var result = await _socket.ReceiveAsync(_buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException("The server closed the connection.");
            }

            var chars = new char[_decoder.GetCharCount(_buffer, 0, result.Count)];
            _decoder.GetChars(_buffer, 0, result.Count, chars, 0);
            _received.Append(chars);
        }
    }
}
